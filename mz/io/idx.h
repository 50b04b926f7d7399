// IDX files (the MNIST family), plain or gzipped, and the MNIST / Fashion-MNIST loaders.
// Format: magic 00 00 <type> <ndims>, ndims big-endian uint32 sizes, then row-major
// big-endian data (specs/formats.md A4).
#pragma once

#include <string>

#include "mz/core/tensor.h"

namespace mz::io {

// Reads an IDX file, plain or gzip-compressed (told apart by the gzip magic 1f 8b).
// Element types: uint8 -> uint8; int8, int16, int32 -> int32; float32; float64. Shape is the
// header's dims. Throws IoError when the file cannot be read, FormatError naming the file and
// byte offset when it is truncated or corrupt:
//   read_idx "t10k-labels-idx1-ubyte": file ends at byte 4096, header promises 10008.
// A gzipped file in a build without zlib throws BackendError "merezha was built without zlib".
Tensor read_idx(const std::string& path);

// A data set split as Keras's load_data() returns it.
struct Dataset {
  Tensor x_train, y_train, x_test, y_test;
};

// The four standard MNIST files in `dir` (train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; each plain or with .gz): images uint8
// (n, 28, 28), labels uint8 (n,). Throws IoError when a file is missing, FormatError when
// shapes or counts disagree.
Dataset load_mnist(const std::string& dir);

// Fashion-MNIST, the same files and layout; the default directory is where Debian's
// dataset-fashion-mnist installs them.
Dataset load_fashion_mnist(const std::string& dir = "/usr/share/datasets/fashion-mnist");

}  // namespace mz::io
