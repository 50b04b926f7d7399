#!/usr/bin/env bash
# The README's two commands: installs what is missing on Debian 12 (root, package registries
# only), builds, then runs the main job or every test. Idempotent; quick when nothing is missing.
#
#   tools/setup.sh main   # Release build, trains the Fashion-MNIST MLP (examples/fashion_mlp)
#   tools/setup.sh test   # Debug build with tests, runs ctest (what .ci/run calls)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in
  main|test) ;;
  *) echo "usage: tools/setup.sh main|test" >&2; exit 2 ;;
esac

packages=(
  g++ cmake ninja-build pkg-config ccache
  libopenblas-openmp-dev libdnnl-dev zlib1g-dev libzip-dev libhdf5-dev nlohmann-json3-dev libgraphviz-dev
  libgtest-dev libbenchmark-dev libcli11-dev libyaml-cpp-dev libopenmpi-dev openmpi-bin
  libprotobuf-dev protobuf-compiler libonnx-dev python3-venv python3-dev clang
  dataset-fashion-mnist
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export OMP_WAIT_POLICY=PASSIVE
if [ "$mode" = main ]; then
  cmake --preset release -DMZ_BUILD_TESTS=OFF >/dev/null
  cmake --build --preset release --target fashion_mlp
  exec build/release/bin/fashion_mlp "${@:2}"
else
  # The Python package's tests run in a virtual environment of Debian's python3 (build/pyenv,
  # which python/CMakeLists.txt picks up), with what python/requirements-test.txt lists.
  if [ ! -x build/pyenv/bin/python ]; then
    /usr/bin/python3 -m venv build/pyenv
  fi
  build/pyenv/bin/pip install -q --disable-pip-version-check -r python/requirements-test.txt
  # Real neurolab 0.3.5 (it needs NumPy < 2, so its own environment, build/nlenv) for the live
  # parity tests of merezha.neurolab; without it those tests skip and the golden ones still run.
  if [ ! -x build/nlenv/bin/python ]; then
    /usr/bin/python3 -m venv build/nlenv
  fi
  build/nlenv/bin/pip install -q --disable-pip-version-check \
      -r tools/golden/requirements-neurolab.txt ||
    echo "setup: no neurolab environment: the live neurolab parity tests will skip" >&2
  # Real Keras 3 (JAX, CPU), onnx + onnxruntime and TensorBoard (build/interopenv, ~850 MB) for
  # the live interop tests (tests/interop, label interop: they read merezha's .keras,
  # .weights.h5, .onnx and event files); without it those tests skip.
  if [ ! -x build/interopenv/bin/python ]; then
    /usr/bin/python3 -m venv build/interopenv
  fi
  build/interopenv/bin/pip install -q --disable-pip-version-check \
      -r tools/interop/requirements.txt ||
    echo "setup: no interop environment: the live Keras/ONNX/TensorBoard interop tests will skip" >&2
  cmake --preset dev
  cmake --build --preset dev
  ctest --preset dev
  # The file loaders under ASan + UBSan (reliability.md F1-F4): the malformed-file battery, then
  # libFuzzer for FUZZ_SECONDS (60) on each loader the saving issue names and 15 s on the
  # readers (fuzz/README.md); both rebuild only the loaders, instrumented, over build/dev.
  cmake -S fuzz -B build/asan-battery -G Ninja -DMZ_LIB_DIR="$PWD/build/dev" >/dev/null
  cmake --build build/asan-battery
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
      build/asan-battery/mz_malformed_asan_test --gtest_brief=1
  # A new finding is printed with its input (copied to fuzz/regressions/<loader>/, which
  # mz_io_test replays once committed) but does not fail this run: libhdf5 keeps yielding new
  # ones, and the enforcing test is the replay. FUZZ_STRICT=1 makes a finding fail.
  fuzz_ok=1
  FUZZ_SECONDS=${FUZZ_SECONDS:-60} tools/fuzz.sh keras config_json weights_h5 legacy_h5 \
      checkpoint events || fuzz_ok=0
  FUZZ_SECONDS=15 tools/fuzz.sh npy npz idx csv || fuzz_ok=0
  if ((!fuzz_ok)); then
    echo "setup: FUZZ FINDINGS: see the lines above; commit the files of fuzz/regressions/." >&2
    if [ "${FUZZ_STRICT:-0}" = 1 ]; then exit 1; fi
  fi
fi
