#!/usr/bin/env bash
# The one command for a lent GPU machine (issue: CUDA backend). From the repository root:
#   tools/gpu_check.sh
# It builds merezha with the CUDA backend (Release, sm_90 + PTX), runs the op-conformance
# suites with cuda compared against ref, the cuda unit tests, W1 (BENCHMARKS.md) on cuda and on
# one CPU thread (accuracy parity) beside PyTorch's W1 on the same GPU, the same for W2 (LeNet-5),
# and 4096^3 GEMM rates
# through merezha against cuBLAS (through torch); then prints one table. About 4-6 minutes.
# What the machine lacks comes from .gpu_deps/ (fill it here with tools/gpu_deps.sh): nlohmann
# headers, GoogleTest sources, zlib headers, Fashion-MNIST.
# Environment: GPU_CHECK_JOBS (16), W1_EPOCHS (5), W2_EPOCHS (3),
#   GPU_CHECK_BUILD_DIR (build/gpu), GPU_CHECK_HIDE_SYSTEM=1 (use only .gpu_deps, to test that path on a machine that has them),
#   GPU_CHECK_STOP_AFTER=configure|build (stop there), GPU_CHECK_SKIP_BUILD=1 (run the checks on
#   the build dir as it is), GPU_CHECK_CMAKE_ARGS (more -D options for the configure, e.g.
#   -DMZ_BUILD_EXAMPLES=ON), OUT (a folder for the logs and the table; the run tool's $OUT).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DEPS=$ROOT/.gpu_deps
BUILD=${GPU_CHECK_BUILD_DIR:-$ROOT/build/gpu}
JOBS=${GPU_CHECK_JOBS:-16}
EPOCHS=${W1_EPOCHS:-5}
LOGS=${OUT:-$BUILD/check}
mkdir -p "$LOGS"
START=$(date +%s)
PY=$(command -v python3 || true)

stamp() { echo "[gpu_check $(($(date +%s) - START))s] $*"; }
# Rows of the final table: "check|result"; each is also appended to rows.txt at once, so a run
# cut short by a time limit still leaves what it measured.
ROWS=()
: >"$LOGS/rows.txt"
row() {
  ROWS+=("$1|$2")
  echo "$1 | $2" >>"$LOGS/rows.txt"
}
print_table() {
  {
    echo
    echo "| check | result |"
    echo "|---|---|"
    for r in "${ROWS[@]}"; do echo "| ${r%%|*} | ${r#*|} |"; done
    echo
  } | tee "$LOGS/table.md"
}
finish() {
  row "total time" "$(($(date +%s) - START)) s"
  print_table
  exit "${1:-0}"
}

# ---- the machine ----
for d in /usr/local/cuda/bin /usr/local/cuda-13/bin /usr/local/cuda-13.0/bin; do
  if [ -x "$d/nvcc" ] && ! command -v nvcc >/dev/null; then export PATH="$d:$PATH"; fi
done
GPU=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null |
  head -1)
stamp "GPU: ${GPU:-none found by nvidia-smi}"
row "GPU" "${GPU:-nvidia-smi found none}"
row "nvcc" "$(nvcc --version 2>/dev/null | grep -o 'release [0-9.]*' || echo missing)"
row "cmake" "$(cmake --version 2>/dev/null | head -1 | awk '{print $3}') $(command -v ninja >/dev/null && echo '+ ninja')"
if [ -n "$PY" ]; then
  row "torch" "$("$PY" -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)' \
    2>/dev/null || echo missing)"
fi
if ! command -v nvcc >/dev/null; then
  stamp "nvcc not found"
  finish 1
fi
CMAKE_VERSION=$(cmake --version 2>/dev/null | head -1 | awk '{print $3}')
if [ -z "$CMAKE_VERSION" ] || [ "$(printf '%s\n3.25\n' "$CMAKE_VERSION" | sort -V | head -1)" != 3.25 ]; then
  stamp "merezha needs CMake >= 3.25, this machine has ${CMAKE_VERSION:-none}"
  finish 1
fi
GENERATOR=Ninja
command -v ninja >/dev/null || GENERATOR="Unix Makefiles"

# ---- dependencies: the system's, else the carried ones ----
CMAKE_ARGS=(-G "$GENERATOR" -DCMAKE_BUILD_TYPE=Release -DMZ_CUDA=ON -DMZ_BUILD_TESTS=ON
  -DMZ_BUILD_BENCH=ON -DMZ_BUILD_EXAMPLES=OFF)
HIDE=${GPU_CHECK_HIDE_SYSTEM:-0}
IGNORE=()
has_cmake_package() {  # name, config file: is it installed where find_package looks?
  [ "$HIDE" = 1 ] && return 1
  local f
  for f in /usr/lib/cmake/"$1"/"$2" /usr/lib/*/cmake/"$1"/"$2" /usr/share/cmake/"$1"/"$2" \
    /usr/local/lib/cmake/"$1"/"$2" /usr/local/share/cmake/"$1"/"$2"; do
    [ -f "$f" ] && return 0
  done
  return 1
}
if [ "$HIDE" = 1 ]; then  # make find_package blind to the system's copies
  IGNORE+=(/usr/share/cmake/nlohmann_json /usr/lib/x86_64-linux-gnu/cmake/GTest
    /usr/lib/x86_64-linux-gnu/cmake/GMock /usr/include/gtest /usr/lib/x86_64-linux-gnu)
fi
if ! has_cmake_package nlohmann_json nlohmann_jsonConfig.cmake; then
  [ -d "$DEPS/nlohmann_json" ] || { stamp "no nlohmann-json: run tools/gpu_deps.sh and carry .gpu_deps"; finish 1; }
  CMAKE_ARGS+=(-Dnlohmann_json_DIR="$DEPS/nlohmann_json/share/cmake/nlohmann_json")
  row "nlohmann-json" "carried (.gpu_deps)"
fi
if [ "${GPU_CHECK_SKIP_BUILD:-0}" != 1 ] && ! has_cmake_package GTest GTestConfig.cmake; then
  [ -d "$DEPS/googletest" ] || { stamp "no GoogleTest: run tools/gpu_deps.sh and carry .gpu_deps"; finish 1; }
  GT=$BUILD/googletest
  if [ ! -f "$GT/install/lib/cmake/GTest/GTestConfig.cmake" ] &&
     [ ! -f "$GT/install/lib64/cmake/GTest/GTestConfig.cmake" ]; then
    stamp "building GoogleTest from .gpu_deps"
    (cmake -S "$DEPS/googletest" -B "$GT/build" -G "$GENERATOR" -DCMAKE_BUILD_TYPE=Release \
       -DBUILD_GMOCK=OFF -DINSTALL_GTEST=ON -DCMAKE_INSTALL_PREFIX="$GT/install" \
       -DCMAKE_POSITION_INDEPENDENT_CODE=ON &&
     cmake --build "$GT/build" -j "$JOBS" && cmake --install "$GT/build") \
      >"$LOGS/googletest.log" 2>&1 || { stamp "GoogleTest build failed: $LOGS/googletest.log"; tail -20 "$LOGS/googletest.log"; finish 1; }
  fi
  GTEST_CFG=$(dirname "$(ls "$GT"/install/lib*/cmake/GTest/GTestConfig.cmake | head -1)")
  CMAKE_ARGS+=(-DGTest_DIR="$GTEST_CFG")
  row "GoogleTest" "built from .gpu_deps"
fi
if [ "$HIDE" = 1 ] || [ ! -f /usr/include/zlib.h ]; then
  LIBZ=$(ldconfig -p 2>/dev/null | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')
  [ -z "$LIBZ" ] && LIBZ=$(ls /lib/x86_64-linux-gnu/libz.so.1 /usr/lib/x86_64-linux-gnu/libz.so.1 \
    /usr/lib64/libz.so.1 2>/dev/null | head -1)
  if [ -n "$LIBZ" ] && [ -f "$DEPS/zlib/include/zlib.h" ]; then
    CMAKE_ARGS+=(-DZLIB_INCLUDE_DIR="$DEPS/zlib/include" -DZLIB_LIBRARY="$LIBZ")
    row "zlib headers" "carried (.gpu_deps), library $LIBZ"
  fi
fi
# shellcheck disable=SC2206
[ -n "${GPU_CHECK_CMAKE_ARGS:-}" ] && CMAKE_ARGS+=(${GPU_CHECK_CMAKE_ARGS})
if [ ${#IGNORE[@]} -gt 0 ]; then
  CMAKE_ARGS+=("-DCMAKE_IGNORE_PATH=$(IFS=';'; echo "${IGNORE[*]}")")
fi
FMNIST=${FMNIST_DIR:-}
for d in "$FMNIST" /usr/share/datasets/fashion-mnist "$DEPS/fashion-mnist"; do
  if [ -n "$d" ] && [ "$HIDE" != 1 -o "$d" = "$DEPS/fashion-mnist" ] &&
     ls "$d"/train-images-idx3-ubyte* >/dev/null 2>&1; then FMNIST=$d; break; fi
done
export FMNIST_DIR=$FMNIST

# ---- configure and build (GPU_CHECK_SKIP_BUILD=1: use $BUILD as it is, e.g. a second run) ----
if [ "${GPU_CHECK_SKIP_BUILD:-0}" = 1 ]; then
  row "build" "skipped (GPU_CHECK_SKIP_BUILD=1, $BUILD as it is)"
else
stamp "configuring $BUILD"
cmake -S "$ROOT" -B "$BUILD" "${CMAKE_ARGS[@]}" >"$LOGS/configure.log" 2>&1
CONFIGURED=$?
grep -E "✓|✗" "$LOGS/configure.log"
if [ $CONFIGURED -ne 0 ] || ! grep -q "✓ CUDA backend" "$LOGS/configure.log"; then
  stamp "configure failed or found no CUDA: $LOGS/configure.log"
  tail -30 "$LOGS/configure.log"
  row "configure" "FAILED (see configure.log)"
  finish 1
fi
row "configure" "ok"
[ "${GPU_CHECK_STOP_AFTER:-}" = configure ] && finish 0
TARGETS=(merezha merezha-bench merezha-cuda-gemm mz_backend_test mz_suites mz_ops_test
  mz_dist_test)
stamp "building ${TARGETS[*]} with -j$JOBS"
T0=$(date +%s)
# Keep going past a broken test file: the library and the benchmarks are what must build.
KEEP_GOING=(-k 0)
[ "$GENERATOR" = Ninja ] || KEEP_GOING=(-k)
cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}" -- "${KEEP_GOING[@]}" \
  >"$LOGS/build.log" 2>&1
BUILT=$?
MISSING=()
for b in mz/libmerezha.so bin/merezha-bench bin/merezha-cuda-gemm mz/mz_backend_test \
  tests/mz_suites mz/mz_ops_test; do
  if [ ! -f "$BUILD/$b" ] || [ "$(stat -c %Y "$BUILD/$b")" -lt "$T0" -a $BUILT -ne 0 ]; then
    MISSING+=("$(basename "$b")")
  fi
done
if [ $BUILT -ne 0 ]; then
  grep -E "error|FAILED" "$LOGS/build.log" | head -30
  row "build" "FAILED for ${MISSING[*]:-?} (see build.log)"
fi
if [ ! -f "$BUILD/mz/libmerezha.so" ] || [ ! -f "$BUILD/bin/merezha-bench" ]; then
  stamp "the library or merezha-bench did not build: $LOGS/build.log"
  finish 1
fi
[ $BUILT -eq 0 ] && row "build" "ok in $(($(date +%s) - T0)) s (-j$JOBS)"
fi
[ "${GPU_CHECK_STOP_AFTER:-}" = build ] && finish 0

# ---- tests: every suite that compares fast backends with ref, on cuda only ----
# gtest's summary: "[  PASSED  ] N tests." / "[  FAILED  ] N tests, listed below:" (then one
# "[  FAILED  ] Suite.Name" line each, also printed as each failed).
summarize() {  # log -> "P passed, F failed, S skipped, K kernels missing"
  local p f s k
  p=$(grep -o '^\[  PASSED  \] [0-9]* test' "$1" | grep -o '[0-9]*' | head -1)
  f=$(grep -o '^\[  FAILED  \] [0-9]* tests\?, listed below' "$1" | grep -o '[0-9]*' | head -1)
  s=$(grep -o '^\[  SKIPPED \] [0-9]* test' "$1" | grep -o '[0-9]*' | head -1)
  k=$(grep -c '^\[  SKIPPED \] .* on cuda' "$1")
  echo "${p:-0} passed, ${f:-0} failed, ${s:-0} skipped, ${k:-0} op/dtype without a cuda kernel"
}
run_tests() {  # name, binary, filter, time limit (s), then VAR=value settings for the run
  local name=$1 binary=$2 filter=$3 limit=$4
  shift 4
  local log="$LOGS/$(echo "$name" | tr -c 'a-z0-9\n' '_').log"
  stamp "tests: $name"
  # Line-buffered, so that a crash leaves the name of the test it hit in the log.
  local buffered=()
  command -v stdbuf >/dev/null && buffered=(stdbuf -oL -eL)
  env MZ_TEST_BACKENDS=cuda "$@" timeout "$limit" "${buffered[@]}" "$binary" \
    --gtest_filter="$filter" >"$log" 2>&1
  local rc=$?
  local crashed=""
  if [ $rc -ge 128 ] && [ $rc -ne 137 ]; then
    crashed=", crashed (signal $((rc - 128))) in $(grep '^\[ RUN      \]' "$log" | tail -1 | cut -c14-)"
    if command -v gdb >/dev/null; then  # where it crashed, for the issue's note
      local last
      last=$(grep '^\[ RUN      \]' "$log" | tail -1 | cut -c14-)
      env MZ_TEST_BACKENDS=cuda "$@" timeout 60 gdb -batch -ex run -ex bt --args "$binary" \
        --gtest_filter="$last" >"${log%.log}_gdb.log" 2>&1
      grep -A12 'SIGSEGV\|signal' "${log%.log}_gdb.log" | head -20
    fi
  fi
  row "$name" "$(summarize "$log")$([ $rc -ne 0 ] && echo ", exit $rc")$crashed"
  grep -E '^\[  FAILED  \] [A-Za-z]' "$log" | grep -v ' ms)$' | head -15
}
# The op families the cuda backend covers; their unit tests run with cuda as the default device
# (tests that name cpu or ref keep them), gradient checks included.
OPS='Arith*:Activation*:Reduce*:Softmax*:Matmul*:Linear*:OneHot*:Take*:Concat*:Pad*:Split*'
OPS+=':Stack*:Dropout*:Random*:Conv*:DepthwiseConv*:Pool*:BatchNorm*:LayerNorm*:Norm*'
OPS+=':LstmCell*:GruCell*:CellGrads*:LstmSequence*:GruSequence*:SimpleRnnSequence*:Recurrence*'
OPS+=':CtcLoss*'
# Every Cuda* test of mz/backend/cuda/*_test.cpp: the backend, cuDNN convolution against ref
# (conv_cudnn_test), CTC (ctc_test), f64 layer gradient checks (layers_grad_test).
[ -x "$BUILD/mz/mz_backend_test" ] && run_tests "cuda unit tests" "$BUILD/mz/mz_backend_test" 'Cuda*' 90
# The conformance tables of the op families with cuda kernels, and the MLP trained 10 steps
# against PyTorch's golden files.
SUITES='Ops/ArithConformance.*:Ops/ActivationConformance.*:Ops/ReduceConformance.*'
SUITES+=':Ops/OpConformanceLinalg.*:Ops/ShapeConformance.*:MlpParity.*'
SUITES+=':Ops/OpConformanceConv.*:Ops/PoolConformance.*:Ops/NormConformance.*'
SUITES+=':Ops/RnnConformance.*:Ops/CtcConformance.*'
[ -x "$BUILD/tests/mz_suites" ] &&
  run_tests "conformance (cuda vs ref) + MLP parity" "$BUILD/tests/mz_suites" "$SUITES" 150
[ -x "$BUILD/mz/mz_ops_test" ] &&
  run_tests "op unit tests on cuda" "$BUILD/mz/mz_ops_test" "$OPS" 120 MEREZHA_DEVICE=cuda
# The NCCL communicator (mz/dist/nccl_communicator_test.cpp) on this GPU: one rank only, as NCCL
# refuses two ranks on one GPU; its tests skip in a build without NCCL (no "✓ NCCL" above).
[ -x "$BUILD/mz/mz_dist_test" ] &&
  run_tests "NCCL communicator (1 rank)" "$BUILD/mz/mz_dist_test" 'NcclCommunicator.*' 60

# ---- W1 and W2: merezha on cuda and on one CPU thread, PyTorch on cuda ----
csv_field() { grep "^CSV,$1" "$2" | tail -1 | cut -d, -f"$3"; }
workload() {  # W1|W2, epochs
  local w=$1 lw epochs=$2
  lw=$(echo "$1" | tr A-Z a-z)
  stamp "$w on cuda ($epochs epochs)"
  env MEREZHA_DEVICE=cuda "${w}_EPOCHS=$epochs" timeout 200 "$BUILD/bin/merezha-bench" "$lw" \
    >"$LOGS/${lw}_merezha_cuda.log" 2>&1
  local mz
  mz=$(csv_field "$w" "$LOGS/${lw}_merezha_cuda.log" 7)
  row "$w merezha cuda samples/s" "${mz:-FAILED (${lw}_merezha_cuda.log)} $(csv_field "$w" "$LOGS/${lw}_merezha_cuda.log" 11)"
  tail -3 "$LOGS/${lw}_merezha_cuda.log"
  stamp "$w on one CPU thread (accuracy parity)"
  env BENCH_THREADS=1 OMP_WAIT_POLICY=PASSIVE "${w}_EPOCHS=$epochs" timeout 120 \
    "$BUILD/bin/merezha-bench" "$lw" >"$LOGS/${lw}_merezha_cpu.log" 2>&1
  row "$w merezha cpu (1 thread) samples/s" "$(csv_field "$w" "$LOGS/${lw}_merezha_cpu.log" 7) $(csv_field "$w" "$LOGS/${lw}_merezha_cpu.log" 11)"
  [ -n "$PY" ] || return 0
  stamp "$w PyTorch on cuda"
  env "${w}_EPOCHS=$epochs" timeout 150 "$PY" bench/peers/torch_bench.py --device cuda "$lw" \
    >"$LOGS/${lw}_torch_cuda.log" 2>&1
  local pt
  pt=$(csv_field "$w" "$LOGS/${lw}_torch_cuda.log" 7)
  row "$w PyTorch cuda samples/s" "${pt:-FAILED (${lw}_torch_cuda.log)} $(csv_field "$w" "$LOGS/${lw}_torch_cuda.log" 11)"
  if [ -n "$mz" ] && [ -n "$pt" ]; then
    row "$w merezha / PyTorch" "$(awk -v a="$mz" -v b="$pt" 'BEGIN {printf "%.2fx", a / b}')"
  fi
}
workload W1 "$EPOCHS"
workload W2 "${W2_EPOCHS:-3}"

# ---- GEMM 4096^3: merezha (f32, tf32, bf16) against cuBLAS through torch ----
stamp "GEMM 4096^3"
timeout 60 "$BUILD/bin/merezha-cuda-gemm" 4096 >"$LOGS/gemm_merezha.log" 2>&1
MEREZHA_CUDA_TF32=1 timeout 60 "$BUILD/bin/merezha-cuda-gemm" 4096 >>"$LOGS/gemm_merezha.log" 2>&1
if [ -n "$PY" ]; then
  timeout 90 "$PY" - >"$LOGS/gemm_torch.log" 2>&1 <<'EOF'
import statistics, time, torch
n = 4096
for name, dtype, tf32 in (("f32", torch.float32, False), ("tf32", torch.float32, True),
                          ("bf16", torch.bfloat16, False)):
    m = torch.backends.cuda.matmul
    if hasattr(m, "fp32_precision"):  # torch >= 2.9
        m.fp32_precision = "tf32" if tf32 else "ieee"
    else:
        m.allow_tf32 = tf32
    g = torch.Generator(device="cuda").manual_seed(1)
    a = torch.rand(n, n, device="cuda", generator=g).to(dtype)
    b = torch.rand(n, n, device="cuda", generator=g).to(dtype)
    for _ in range(3):
        c = a @ b
    torch.cuda.synchronize()
    t0 = time.perf_counter(); c = a @ b; torch.cuda.synchronize()
    reps = max(1, int(0.2 / (time.perf_counter() - t0)))
    rates = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            c = a @ b
        torch.cuda.synchronize()
        rates.append(2 * n ** 3 / ((time.perf_counter() - t0) / reps) / 1e9)
    print(f"CSV,GEMM,pytorch-cublas,{name},{n},GFLOP/s,{statistics.median(rates):.1f}")
EOF
fi
gemm_rate() { grep "^CSV,GEMM,$1,$2," "$3" | tail -1 | cut -d, -f7; }
for kind in f32 tf32 bf16; do
  m=$(gemm_rate merezha-cuda $kind "$LOGS/gemm_merezha.log")
  t=$(gemm_rate pytorch-cublas $kind "$LOGS/gemm_torch.log" 2>/dev/null)
  ratio=""
  if [[ "$m" =~ ^[0-9.]+$ ]] && [[ "$t" =~ ^[0-9.]+$ ]]; then
    ratio=" = $(awk -v a="$m" -v b="$t" 'BEGIN {printf "%.0f%%", 100 * a / b}')"
  fi
  row "GEMM 4096 $kind GFLOP/s (merezha / cuBLAS)" "${m:-FAILED} / ${t:-n/a}$ratio"
done
finish 0
