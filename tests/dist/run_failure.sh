#!/bin/sh
# run_failure.sh SECONDS PATTERN COMMAND...: runs COMMAND (an mpirun line) under `timeout`, and
# passes when it ends by itself within SECONDS with a non-zero exit and output matching PATTERN
# (grep -E). Prints the output either way.
limit=$1; pattern=$2; shift 2
start=$(date +%s)
out=$(timeout -k 5 "$limit" "$@" 2>&1); rc=$?
took=$(( $(date +%s) - start ))
printf '%s\n--- exit %s after %s s\n' "$out" "$rc" "$took"
if [ "$rc" -eq 0 ]; then echo "FAIL: expected a non-zero exit"; exit 1; fi
# mpirun passes a killed rank's status on (137 after SIGKILL), so a timeout is told by the clock.
if [ "$rc" -eq 124 ] || [ "$took" -ge "$limit" ]; then echo "FAIL: still running after $limit s"; exit 1; fi
if ! printf '%s\n' "$out" | grep -Eq "$pattern"; then echo "FAIL: no line matches: $pattern"; exit 1; fi
echo "PASS"
