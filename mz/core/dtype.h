// Element types of tensors, with NumPy's names for messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>

namespace mz {

enum class DType : uint8_t { f32, f64, i32, i64, u8 };
inline constexpr int kNumDTypes = 5;

// Bytes per element.
std::size_t dtype_size(DType dtype);
// NumPy's name: "float32", "float64", "int32", "int64", "uint8".
const char* dtype_name(DType dtype);
bool is_floating(DType dtype);
std::ostream& operator<<(std::ostream& out, DType dtype);

// The DType of a C++ element type: dtype_of<float> == DType::f32.
template <class T>
inline constexpr DType dtype_of = T::unsupported_element_type;
template <> inline constexpr DType dtype_of<float> = DType::f32;
template <> inline constexpr DType dtype_of<double> = DType::f64;
template <> inline constexpr DType dtype_of<int32_t> = DType::i32;
template <> inline constexpr DType dtype_of<int64_t> = DType::i64;
template <> inline constexpr DType dtype_of<uint8_t> = DType::u8;

// Calls fn(T{}) with T the C++ type of dtype; for kernels and converters.
template <class Fn>
decltype(auto) visit_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::f32: return fn(float{});
    case DType::f64: return fn(double{});
    case DType::i32: return fn(int32_t{});
    case DType::i64: return fn(int64_t{});
    case DType::u8: break;
  }
  return fn(uint8_t{});
}

}  // namespace mz
