#!/usr/bin/env bash
# Fills .gpu_deps/ (git-ignored) with what a lent GPU machine lacks, for tools/gpu_check.sh:
# nlohmann-json headers with a relocatable CMake config, GoogleTest sources (built there by
# gpu_check.sh), zlib headers, and the Fashion-MNIST files. About 35 MB. Run it here, on the
# build machine (Debian: nlohmann-json3-dev, googletest, zlib1g-dev, dataset-fashion-mnist):
#   tools/gpu_deps.sh
# then carry .gpu_deps to the GPU machine beside the working tree.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPS=$ROOT/.gpu_deps
FMNIST=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}

need() {
  if [ ! -e "$1" ]; then
    echo "gpu_deps.sh: $1 is missing: $2" >&2
    exit 1
  fi
}
need /usr/include/nlohmann/json.hpp "apt-get install nlohmann-json3-dev"
need /usr/src/googletest/CMakeLists.txt "apt-get install googletest"
need /usr/include/zlib.h "apt-get install zlib1g-dev"
need "$FMNIST/train-images-idx3-ubyte.gz" "apt-get install dataset-fashion-mnist (or set FMNIST_DIR)"

rm -rf "$DEPS"
mkdir -p "$DEPS"

# nlohmann-json: the headers and a config that finds them relative to itself.
NL=$DEPS/nlohmann_json
mkdir -p "$NL/include" "$NL/share/cmake/nlohmann_json"
cp -r /usr/include/nlohmann "$NL/include/"
version() {
  grep -h "#define NLOHMANN_JSON_VERSION_$1 " -r /usr/include/nlohmann | head -1 | awk '{print $3}'
}
NL_VERSION="$(version MAJOR).$(version MINOR).$(version PATCH)"
cat > "$NL/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake" <<'EOF'
# nlohmann_json, header-only, relocatable (written by merezha's tools/gpu_deps.sh).
get_filename_component(_mz_nlohmann_root "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET nlohmann_json::nlohmann_json)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_mz_nlohmann_root}/include")
endif()
set(nlohmann_json_FOUND TRUE)
EOF
cat > "$NL/share/cmake/nlohmann_json/nlohmann_jsonConfigVersion.cmake" <<EOF
set(PACKAGE_VERSION "$NL_VERSION")
if(PACKAGE_FIND_VERSION_MAJOR AND NOT PACKAGE_FIND_VERSION_MAJOR EQUAL $(version MAJOR))
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
EOF

# GoogleTest sources: the GPU machine builds them with its own compiler.
cp -r /usr/src/googletest "$DEPS/googletest"

# zlib headers: the shared library (libz.so.1) is on every machine, the headers often not.
mkdir -p "$DEPS/zlib/include"
cp /usr/include/zlib.h /usr/include/zconf.h "$DEPS/zlib/include/"

# Fashion-MNIST, gzipped as Debian ships it.
mkdir -p "$DEPS/fashion-mnist"
cp "$FMNIST"/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz "$DEPS/fashion-mnist/"

echo "gpu_deps.sh: $(du -sh "$DEPS" | cut -f1) in $DEPS (nlohmann-json $NL_VERSION)"
