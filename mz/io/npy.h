// NumPy's .npy (one array) and .npz (a zip of .npy members) files, read and written.
// Format: specs/formats.md A4; NumPy's numpy/lib/format.py is the reference.
#pragma once

#include <map>
#include <string>

#include "mz/core/tensor.h"

namespace mz::io {

// Reads a .npy file: format 1.0, 2.0 or 3.0; byte order '<', '>', '|' or '='; C or Fortran
// order (Fortran arrays come back as a C-order copy of the same values); 0-d and 0-size arrays.
// dtypes: f4 -> float32, f8 -> float64, i4 -> int32, i8 -> int64, u1 -> uint8, b1 -> uint8
// (0/1); converted: f2 -> float32, i1 i2 u2 -> int32, u4 u8 -> int64 (u8 values above the
// int64 range are a FormatError). Other dtypes (complex, strings, objects, structured,
// datetimes) are a FormatError naming them. Throws IoError when the file cannot be read and
// FormatError naming the file and byte offset when it is truncated or corrupt:
//   read_npy "w.npy": file ends at byte 140, header promises 152 ((3, 4) of <f4 from byte 128).
Tensor read_npy(const std::string& path);

// Writes `t` as NumPy 1.24 does for np.save (format 1.0; the host's byte order, little-endian
// on x86; C order; the same header bytes). The write is atomic: a temporary file is
// written, fsynced and renamed over `path`. Throws IoError when the file cannot be written.
void write_npy(const std::string& path, const Tensor& t);

// Reads a .npz archive (np.savez stores, np.savez_compressed deflates): member "w.npy" -> key
// "w". Each member is checked as read_npy checks a file; errors name the archive and member.
// Throws FormatError for a corrupt archive, a member not named *.npy, duplicate members, or a
// member that inflates more than 100x and past 256 MiB. Needs libzip: without it, throws
// BackendError "merezha was built without libzip".
std::map<std::string, Tensor> read_npz(const std::string& path);

// write_npz's options.
struct NpzOptions {
  bool compressed = false;  // deflate the members (np.savez_compressed) instead of storing them
};

// Writes each array as member "<key>.npy" (np.savez layout), atomically. Needs libzip (see
// read_npz). Throws ValueError for an empty key or one holding '/'.
void write_npz(const std::string& path, const std::map<std::string, Tensor>& arrays,
               NpzOptions options = {});

}  // namespace mz::io
