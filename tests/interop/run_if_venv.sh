# run_if_venv.sh PYTHON COMMAND...: runs COMMAND when PYTHON (the interop venv's) exists, else
# says why and exits 77, which ctest reports as skipped (tests/interop/CMakeLists.txt).
py=$1
shift
if [ ! -x "$py" ]; then
  echo "interop: skipped: no $py (tools/setup.sh test makes build/interopenv from" \
       "tools/interop/requirements.txt; a failed install skips these tests)"
  exit 77
fi
exec "$@"
