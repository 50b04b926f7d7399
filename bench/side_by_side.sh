#!/usr/bin/env bash
# Side by side in one run: builds merezha-bench and the libtorch peer torch-bench (Release, into
# build/bench), runs them and the PyTorch peer (bench/peers/torch_bench.py) on W0 to W5, and
# writes bench/RESULTS.md (tables with merezha/peer ratios, and the raw CSV), keeping the
# sections of other runs at its end ("## CUDA backend ...", "## C1 ...", "## Data-parallel ...").
#
#   bench/side_by_side.sh                 # 1 thread, W1 5 epochs, W2 3 (6-8 minutes once built)
#   QUICK=1 bench/side_by_side.sh         # W1 and W2 for 1 epoch (W1_EPOCHS=W2_EPOCHS=1)
#   bench/side_by_side.sh --two-threads   # 1-thread and 2-thread runs
#   bench/side_by_side.sh --workloads "w3 w4" --out /tmp/RESULTS.md
#
# Environment: FMNIST_DIR, W1_EPOCHS and W2_EPOCHS (override QUICK), BUILD_DIR (default build/bench), JOBS
# (build parallelism, default 2), OPENBLAS_CORETYPE (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

threads="1"
workloads="w0 w1 w2 w3 w4 w5"
out="bench/RESULTS.md"
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
while (($#)); do
  case "$1" in
    --two-threads) threads="1 2" ;;
    --workloads) workloads="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "side_by_side.sh: unknown argument \"$1\"." >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for w in $workloads; do
  case "$w" in
    w0|w1|w2|w3|w4|w5) ;;
    *) echo "side_by_side.sh: unknown workload \"$w\"; expected w0 to w5." >&2; exit 2 ;;
  esac
done

mode="full"
if [ "${QUICK:-0}" = 1 ]; then
  export W1_EPOCHS="${W1_EPOCHS:-1}" W2_EPOCHS="${W2_EPOCHS:-1}"
  mode="quick"
fi
export W1_EPOCHS="${W1_EPOCHS:-5}" W2_EPOCHS="${W2_EPOCHS:-3}"
mode="$mode (W1_EPOCHS=$W1_EPOCHS, W2_EPOCHS=$W2_EPOCHS)"

python=/usr/bin/python3
build="${BUILD_DIR:-build/bench}"
echo "side_by_side: building merezha-bench and torch-bench in $build" >&2
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMZ_BUILD_TESTS=OFF \
  -DMZ_BUILD_EXAMPLES=OFF -DMZ_BUILD_BENCH=ON -DMZ_BUILD_PEERS=ON >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; exit 1; }
cmake --build "$build" --parallel "${JOBS:-2}" --target merezha-bench
cmake --build "$build" --parallel "${JOBS:-2}" --target machine-floor >/dev/null 2>&1 || true
have_torch_cpp=1
if ! cmake --build "$build" --parallel "${JOBS:-2}" --target torch-bench; then
  echo "side_by_side: torch-bench did not build (apt-get install libtorch-dev); its rows are left out." >&2
  have_torch_cpp=0
fi
have_torch_py=1
$python -c "import torch, numpy" 2>/dev/null || {
  echo "side_by_side: $python lacks torch or numpy (apt-get install python3-torch); PyTorch rows are left out." >&2
  have_torch_py=0
}

# Spinning OpenMP workers are pathological on shared VMs (BENCHMARKS.md): every program parks.
export OMP_WAIT_POLICY=PASSIVE
# NOTE: OpenBLAS 0.3.21 does not know CPUs newer than Sapphire Rapids (e.g. Emerald Rapids,
# family 6 model 207) and falls back to its SSE3 "Prescott" kernels: 3x slower GEMM for merezha
# and libtorch alike. On an AVX-512 machine where that happens, pick the Cooperlake kernels that
# BENCHMARKS.md's machine uses, for every program of the run (set OPENBLAS_CORETYPE to override).
corename() {
  $python -c "import ctypes; l = ctypes.CDLL('libopenblas.so.0'); l.openblas_get_corename.restype = ctypes.c_char_p; print(l.openblas_get_corename().decode())" 2>/dev/null || echo unknown
}
detected=$(corename)
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ "$detected" = Prescott ] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=Cooperlake
  echo "side_by_side: OpenBLAS detected $detected on an AVX-512 CPU; using OPENBLAS_CORETYPE=Cooperlake" >&2
fi
core_used=$(corename)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
run() {  # run LABEL COMMAND...: its CSV lines go to $raw; everything else to stderr
  echo "side_by_side: $1 (BENCH_THREADS=$BENCH_THREADS)" >&2
  if ! "${@:2}" | tee -a "$raw" >&2; then
    echo "side_by_side: $1 failed; its rows are missing from the results." >&2
  fi
}
for t in $threads; do
  export BENCH_THREADS=$t
  for w in $workloads; do
    run "merezha-bench $w" "$build/bin/merezha-bench" "$w"
    ((have_torch_cpp)) && run "torch-bench $w" "$build/bin/torch-bench" "$w"
    ((have_torch_py)) && run "torch_bench.py $w" $python bench/peers/torch_bench.py "$w"
  done
done

# The W3 MLP batch-1 floor of this core (bench/floor/machine_floor.cpp), next to W3's rows.
if [[ " $workloads " == *" w3 "* ]] && [ -x "$build/bin/machine-floor" ]; then
  export MZ_RESULTS_FLOOR="$("$build/bin/machine-floor")"
fi
torch_version=$($python -c "import torch; print(torch.__version__)" 2>/dev/null || echo "?")
export MZ_RESULTS_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
export MZ_RESULTS_CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
export MZ_RESULTS_CORES="$(nproc)"
export MZ_RESULTS_MEM="$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
export MZ_RESULTS_VERSIONS="merezha $(sed -n 's/^project(merezha VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt) ($(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ', modified')), libtorch/PyTorch $torch_version (Debian), OpenBLAS $(dpkg-query -W -f='${Version}' libopenblas0-openmp 2>/dev/null || echo '?'), $(c++ --version | head -1)"
export MZ_RESULTS_ENV="load average before the run ${load_before}; OMP_WAIT_POLICY=PASSIVE; OpenBLAS core ${core_used} (detected ${detected}${OPENBLAS_CORETYPE:+, OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE}); threads: $threads"
export MZ_RESULTS_MODE="$mode; workloads: $workloads"
# The sections at the end come from other runs, not this one, and are kept: the GPU ones
# (tools/gpu_check.sh on a lent machine), C1 (bench/c1_neurolab.py --cpp) and the
# data-parallel one (dist-bench under mpirun).
kept=$(awk '/^## (CUDA backend|C1|Data-parallel)/ {keep = 1} keep' "$out" 2>/dev/null || true)
$python bench/make_results.py "$raw" >"$out.tmp"
[ -n "$kept" ] && printf '\n%s\n' "$kept" >>"$out.tmp"
mv "$out.tmp" "$out"
echo "side_by_side: wrote $out" >&2
