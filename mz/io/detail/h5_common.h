// What the two libhdf5 users (h5_weights.cpp, legacy_h5.cpp) share: an owning identifier,
// merezha's dtypes as HDF5 file and memory types, and unique names for in-memory file images.
// Include only where libhdf5's headers are on the path (MZ_HAVE_HDF5).
#pragma once

#include <hdf5.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "mz/core/dtype.h"
#include "mz/core/error.h"

namespace mz::io::detail {

// Closes an HDF5 identifier of one kind when the scope ends.
struct Hid {
  hid_t id = -1;
  herr_t (*close)(hid_t) = nullptr;
  Hid(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid() {
    if (id >= 0 && close) close(id);
  }
  bool ok() const { return id >= 0; }
};

// The little-endian file type h5py writes for a dtype.
inline hid_t h5_file_type(DType d) {
  switch (d) {
    case DType::f32:
      return H5T_IEEE_F32LE;
    case DType::f64:
      return H5T_IEEE_F64LE;
    case DType::i32:
      return H5T_STD_I32LE;
    case DType::i64:
      return H5T_STD_I64LE;
    case DType::u8:
      return H5T_STD_U8LE;
  }
  return H5T_IEEE_F32LE;
}

// The native memory type of a dtype.
inline hid_t h5_memory_type(DType d) {
  switch (d) {
    case DType::f32:
      return H5T_NATIVE_FLOAT;
    case DType::f64:
      return H5T_NATIVE_DOUBLE;
    case DType::i32:
      return H5T_NATIVE_INT32;
    case DType::i64:
      return H5T_NATIVE_INT64;
    case DType::u8:
      return H5T_NATIVE_UINT8;
  }
  return H5T_NATIVE_FLOAT;
}

// A unique name for an in-memory file (the core driver refuses two open files of one name).
inline std::string h5_image_name() {
  static std::atomic<uint64_t> counter{0};
  return str("mz-memory-", ::getpid(), "-", counter++, ".h5");
}

}  // namespace mz::io::detail
