#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (one per loader) with clang and runs each for
# FUZZ_SECONDS (default 60), FUZZ_JOBS (default 2) at a time, each corpus seeded from the
# goldens. A crash, timeout (FUZZ_TIMEOUT seconds per input, default 2), out-of-memory or
# sanitizer report is copied to fuzz/regressions/<loader>/ (which mz_io_test replays) and
# makes the script fail. The targets link the library of MZ_LIB_DIR (default build/dev, built
# when missing) and compile only the loaders again, instrumented (fuzz/CMakeLists.txt).
#
#   tools/fuzz.sh                              # every target
#   FUZZ_SECONDS=3600 tools/fuzz.sh keras legacy_h5
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
timeout=${FUZZ_TIMEOUT:-2}
lib=${MZ_LIB_DIR:-build/dev}
build=${FUZZ_BUILD_DIR:-build/fuzz}
loaders=("$@")
((${#loaders[@]})) ||
  loaders=(keras config_json weights_h5 legacy_h5 checkpoint events npy npz idx csv)

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is missing (apt-get install clang)" >&2
  exit 2
fi
if [ ! -f "$lib/mz/libmerezha.so" ]; then
  cmake --preset dev >/dev/null
  cmake --build --preset dev --target merezha
  lib=build/dev
fi
CXX=clang++ cmake -S fuzz -B "$build" -G Ninja -DMZ_LIB_DIR="$(realpath "$lib")" >/dev/null
ninja -C "$build" "${loaders[@]/#/fuzz_}"

# libhdf5 asks malloc for sizes read from the file (H5C_protect) and handles a NULL answer:
# let ASan return NULL for impossible sizes instead of reporting them, and allow single
# allocations up to 16 GiB (H5C_protect asks for what the metadata declares and never touches
# it past what the file holds); resident memory stays limited to 2 GiB.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# Artifacts go to $build/artifacts/<loader>/ and are copied to fuzz/regressions/<loader>/ when
# the run fails; fuzz_legacy_h5's string-attribute child (legacy_h5.cpp) inherits libFuzzer's
# crash handler, so its handled crashes leave artifacts of a run that passes: only counted.
run_one() {
  local loader=$1 log="$build/$1.log" art="$build/artifacts/$1"
  rm -rf "$art"
  mkdir -p "$art" "$build/corpus/$loader"
  if "$build/fuzz_$loader" "$build/corpus/$loader" -max_total_time="$seconds" \
      -timeout="$timeout" -rss_limit_mb=2048 -malloc_limit_mb=16384 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$art/" >"$log" 2>&1; then
    echo "fuzz: $loader:" \
      "$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')" \
      "inputs in ${seconds} s, $(grep -o 'cov: [0-9]*' "$log" | tail -1), no finding" \
      "($(find "$art" -type f | wc -l) handled child-process crashes)"
  else
    mkdir -p "fuzz/regressions/$loader"
    cp "$art"/* "fuzz/regressions/$loader/" 2>/dev/null || true
    echo "fuzz: $loader: FINDING, copied to fuzz/regressions/$loader/ (log: $log):" >&2
    grep -m3 -E "ERROR|runtime error|Timeout|deadly|uncaught|out-of-memory" "$log" >&2 || true
    return 1
  fi
}
failed=0
pids=()
for loader in "${loaders[@]}"; do
  run_one "$loader" &
  pids+=($!)
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit $failed
