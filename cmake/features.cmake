# Finds the optional dependencies and prints one ✓/✗ line per feature (STYLE.md rule 16).
# Each found feature defines MZ_HAVE_<X> for the registration files that read it.

set(MZ_FEATURE_LINES "")
# mz_feature(name found_var how_to_get): one ✓ line, or one ✗ line saying how to get it.
macro(mz_feature name found how)
  if(${found})
    list(APPEND MZ_FEATURE_LINES "  ✓ ${name}")
  else()
    list(APPEND MZ_FEATURE_LINES "  ✗ ${name}: ${how}")
  endif()
endmacro()

# OpenBLAS, OpenMP variant (Debian libopenblas-openmp-dev): GEMM for the cpu backend.
find_path(MZ_OPENBLAS_INCLUDE cblas.h
  PATHS /usr/include/x86_64-linux-gnu/openblas-openmp /usr/include/openblas
  NO_DEFAULT_PATH)
find_library(MZ_OPENBLAS_LIB openblas
  PATHS /usr/lib/x86_64-linux-gnu/openblas-openmp NO_DEFAULT_PATH)
if(NOT MZ_OPENBLAS_LIB)
  find_library(MZ_OPENBLAS_LIB openblas)
  find_path(MZ_OPENBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas)
endif()
find_package(OpenMP COMPONENTS CXX)
if(MZ_OPENBLAS_LIB AND MZ_OPENBLAS_INCLUDE AND OpenMP_CXX_FOUND)
  set(MZ_HAVE_OPENBLAS ON)
  mz_feature("OpenBLAS GEMM" MZ_HAVE_OPENBLAS "")
else()
  set(MZ_HAVE_OPENBLAS OFF)
  mz_feature("OpenBLAS GEMM" MZ_HAVE_OPENBLAS "apt-get install libopenblas-openmp-dev; matmul falls back to ref loops")
endif()

# oneDNN (Debian libdnnl-dev): convolution, pooling, normalisation, RNN on the CPU.
find_path(MZ_DNNL_INCLUDE oneapi/dnnl/dnnl.hpp)
find_library(MZ_DNNL_LIB dnnl)
if(MZ_DNNL_INCLUDE AND MZ_DNNL_LIB)
  set(MZ_HAVE_DNNL ON)
  mz_feature("oneDNN" MZ_HAVE_DNNL "")
else()
  set(MZ_HAVE_DNNL OFF)
  mz_feature("oneDNN" MZ_HAVE_DNNL "apt-get install libdnnl-dev")
endif()

# zlib: gzipped IDX files.
find_package(ZLIB)
mz_feature("zlib (gzipped IDX)" ZLIB_FOUND "apt-get install zlib1g-dev")

# libzip (Debian libzip-dev): zip containers (.npz; the .keras zip).
# NOTE: not find_package(libzip): Debian 12's libzip-config.cmake fails the configure when
# libzip-tools (zipcmp, ...) is not installed, so the header and library are found directly.
find_path(MZ_LIBZIP_INCLUDE zip.h)
find_library(MZ_LIBZIP_LIB zip)
if(MZ_LIBZIP_INCLUDE AND MZ_LIBZIP_LIB)
  set(MZ_HAVE_LIBZIP ON)
else()
  set(MZ_HAVE_LIBZIP OFF)
endif()
mz_feature("libzip (.npz, .keras)" MZ_HAVE_LIBZIP "apt-get install libzip-dev")

# libhdf5 (Debian libhdf5-dev, the serial C library): model.weights.h5 inside .keras files and
# .weights.h5 files. Found directly (Debian keeps it under hdf5/serial).
find_path(MZ_HDF5_INCLUDE hdf5.h PATH_SUFFIXES hdf5/serial)
find_library(MZ_HDF5_LIB NAMES hdf5_serial hdf5 PATH_SUFFIXES hdf5/serial)
if(MZ_HDF5_INCLUDE AND MZ_HDF5_LIB)
  set(MZ_HAVE_HDF5 ON)
else()
  set(MZ_HAVE_HDF5 OFF)
endif()
mz_feature("libhdf5 (.keras, .weights.h5)" MZ_HAVE_HDF5 "apt-get install libhdf5-dev")

# Graphviz's library (Debian libgraphviz-dev): plot_model to SVG, PNG and PDF (DOT always).
find_path(MZ_GVC_INCLUDE graphviz/gvc.h)
find_library(MZ_GVC_LIB gvc)
find_library(MZ_CGRAPH_LIB cgraph)
if(MZ_GVC_INCLUDE AND MZ_GVC_LIB AND MZ_CGRAPH_LIB)
  set(MZ_HAVE_GRAPHVIZ ON)
else()
  set(MZ_HAVE_GRAPHVIZ OFF)
endif()
mz_feature("Graphviz (plot_model SVG)" MZ_HAVE_GRAPHVIZ "apt-get install libgraphviz-dev")

# MPI (Debian libopenmpi-dev + openmpi-bin): data-parallel training across processes (mz/dist/).
find_package(MPI COMPONENTS C QUIET)
if(MPI_C_FOUND)
  set(MZ_HAVE_MPI ON)
else()
  set(MZ_HAVE_MPI OFF)
endif()
mz_feature("MPI (data-parallel training)" MZ_HAVE_MPI "apt-get install libopenmpi-dev openmpi-bin")

# protobuf (Debian libprotobuf-dev + protobuf-compiler) and ONNX (Debian libonnx-dev): ONNX
# export (io/onnx_export.cpp, io/onnx_layers.cpp; specs/formats.md A2.7).
find_package(Protobuf QUIET)
if(Protobuf_FOUND AND Protobuf_PROTOC_EXECUTABLE)
  set(MZ_HAVE_PROTOBUF ON)
else()
  set(MZ_HAVE_PROTOBUF OFF)
endif()
mz_feature("protobuf + protoc" MZ_HAVE_PROTOBUF "apt-get install libprotobuf-dev protobuf-compiler")
set(MZ_HAVE_ONNX OFF)
if(Protobuf_FOUND)
  find_package(ONNX CONFIG QUIET)
  if(ONNX_FOUND AND TARGET onnx AND TARGET onnx_proto)
    set(MZ_HAVE_ONNX ON)
  endif()
endif()
mz_feature("ONNX export" MZ_HAVE_ONNX "apt-get install libonnx-dev libprotobuf-dev")

# nlohmann-json: Keras configs (required: layers and models are JSON-configured).
find_package(nlohmann_json 3 REQUIRED)

# CUDA: the cuda backend (mz/backend/cuda/): nvcc, cuBLAS and cuBLASLt; cuDNN when found.
# Builds for sm_90 (H100/H200) plus compute_90 PTX, which newer GPUs JIT-compile.
set(MZ_HAVE_CUDA OFF)
set(MZ_HAVE_CUDNN OFF)
set(MZ_HAVE_NCCL OFF)
if(MZ_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
    find_program(MZ_NVCC nvcc HINTS ENV CUDA_HOME ENV CUDA_PATH /usr/local/cuda
                 PATH_SUFFIXES bin)
    if(MZ_NVCC)
      set(CMAKE_CUDA_COMPILER ${MZ_NVCC})
    endif()
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES "90-real;90-virtual")
    endif()
    if(CCACHE)
      set(CMAKE_CUDA_COMPILER_LAUNCHER ${CCACHE})
    endif()
    enable_language(CUDA)
    # NOTE: CMake < 3.26 knows no nvcc flag for C++20 (the CUDA dialect follows CXX_STANDARD).
    if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
    find_package(CUDAToolkit)
    if(CUDAToolkit_FOUND AND TARGET CUDA::cublasLt)
      set(MZ_HAVE_CUDA ON)
    endif()
  endif()
  string(REPLACE ";" ", " MZ_CUDA_ARCH_TEXT "${CMAKE_CUDA_ARCHITECTURES}")
  mz_feature("CUDA backend (${MZ_CUDA_ARCH_TEXT})" MZ_HAVE_CUDA
             "nvcc, cuBLAS or cuBLASLt not found (install the CUDA toolkit or set CUDACXX)")
  if(MZ_HAVE_CUDA)
    find_path(MZ_CUDNN_INCLUDE cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS})
    find_library(MZ_CUDNN_LIB cudnn HINTS ${CUDAToolkit_LIBRARY_DIR})
    if(MZ_CUDNN_INCLUDE AND MZ_CUDNN_LIB)
      set(MZ_HAVE_CUDNN ON)
    endif()
    mz_feature("cuDNN" MZ_HAVE_CUDNN "install cuDNN 9 (libcudnn9-dev-cuda-13)")
    # NCCL (NVIDIA's, not in Debian; the CUDA 13 toolkit here carries it): the GPU
    # communicator of data-parallel training (mz/dist/nccl_communicator.cpp).
    find_path(MZ_NCCL_INCLUDE nccl.h HINTS ${CUDAToolkit_INCLUDE_DIRS} ENV NCCL_HOME
              PATH_SUFFIXES include)
    find_library(MZ_NCCL_LIB nccl HINTS ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT}
                 ENV NCCL_HOME PATH_SUFFIXES lib lib64)
    set(MZ_HAVE_NCCL OFF)
    if(MZ_NCCL_INCLUDE AND MZ_NCCL_LIB)
      set(MZ_HAVE_NCCL ON)
    endif()
    mz_feature("NCCL (GPU data-parallel)" MZ_HAVE_NCCL
               "install NCCL 2 (libnccl-dev) or set NCCL_HOME")
  endif()
else()
  mz_feature("CUDA backend" MZ_HAVE_CUDA "configure with --preset cuda")
endif()

find_package(GTest)
mz_feature("GoogleTest" GTest_FOUND "apt-get install libgtest-dev")
find_package(benchmark QUIET)
mz_feature("Google Benchmark" benchmark_FOUND "apt-get install libbenchmark-dev")

message(STATUS "merezha features:")
foreach(line IN LISTS MZ_FEATURE_LINES)
  message(STATUS "${line}")
endforeach()
