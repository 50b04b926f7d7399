// DType names and sizes.
#include "mz/core/dtype.h"

#include <ostream>

namespace mz {

std::size_t dtype_size(DType dtype) {
  constexpr std::size_t sizes[kNumDTypes] = {4, 8, 4, 8, 1};
  return sizes[static_cast<int>(dtype)];
}

const char* dtype_name(DType dtype) {
  constexpr const char* names[kNumDTypes] = {"float32", "float64", "int32", "int64", "uint8"};
  return names[static_cast<int>(dtype)];
}

bool is_floating(DType dtype) { return dtype == DType::f32 || dtype == DType::f64; }

std::ostream& operator<<(std::ostream& out, DType dtype) { return out << dtype_name(dtype); }

}  // namespace mz
