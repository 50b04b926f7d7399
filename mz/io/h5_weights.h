// The HDF5 layer of Keras weight files (model.weights.h5 inside .keras, and .weights.h5):
// groups with a "name" attribute and numeric datasets, written to and read from memory images
// through libhdf5's core driver. Layout rules (which paths hold what) live in keras_file.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz::io::detail {

// What a weights file holds, flattened: every group by path ("layers/dense/vars"), with its
// "name" attribute (written as h5py does, a variable-length UTF-8 string; read_h5 leaves it
// empty: it reads no attributes), and every dataset by path ("layers/dense/vars/0"). Paths
// have no leading '/'; the root group is "".
struct H5Content {
  std::map<std::string, std::string> groups;
  std::map<std::string, Tensor> datasets;
};

// Whether merezha was built with libhdf5.
bool have_hdf5();

// An HDF5 file image (superblock 0, contiguous little-endian datasets, variable-length UTF-8
// "name" attributes: what h5py writes for Keras) holding `content`; parent groups of every
// path are created. Throws IoError naming `who` when libhdf5 fails, BackendError without it.
std::vector<uint8_t> write_h5(const H5Content& content, const std::string& who);

// The content of an HDF5 file image. Datasets must be float32/float64/int32/int64/uint8 (other
// types are converted: float16 -> float32, other integers -> int64 or int32); throws
// FormatError "<who>: ..." for a file that is not HDF5 or that libhdf5 cannot read, soft or
// external links, external or virtual datasets, string or compound datasets, and shape bombs
// (a dataset declaring more bytes than the file can hold). BackendError without libhdf5.
// NOTE: libhdf5 1.10 has known heap overflows on crafted files (formats.md A1.6), so a hostile
// file can still crash the process inside the library; attributes are not read for that reason
// (mutated ones overflowed in H5Aexists and crashed H5HG_read).
H5Content read_h5(const std::vector<uint8_t>& image, const std::string& who);

}  // namespace mz::io::detail
