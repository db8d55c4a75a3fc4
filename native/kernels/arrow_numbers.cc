#include "kernels/arrow_numbers.h"

#include <limits>

namespace mlwatch {

namespace {

template <class T>
void convert(const void* values, std::size_t offset, std::size_t length, double scale, double* out) {
  const T* v = static_cast<const T*>(values) + offset;
  if (scale < 0) {
    // a division by 1000 is correctly rounded, a product with 1e-3 (itself rounded) is not always
    const double divisor = -scale;
    for (std::size_t i = 0; i < length; ++i) out[i] = static_cast<double>(v[i]) / divisor;
    return;
  }
  for (std::size_t i = 0; i < length; ++i) out[i] = static_cast<double>(v[i]) * scale;
}

}  // namespace

void arrow_numbers(const void* values, ArrowValueType type, std::size_t offset, std::size_t length,
                   const std::uint8_t* validity, double scale, double* out) {
  if (length == 0) return;
  switch (type) {
    case ArrowValueType::kInt8: convert<std::int8_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kUint8: convert<std::uint8_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kInt16: convert<std::int16_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kUint16: convert<std::uint16_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kInt32: convert<std::int32_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kUint32: convert<std::uint32_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kFloat32: convert<float>(values, offset, length, scale, out); break;
    case ArrowValueType::kFloat64: convert<double>(values, offset, length, scale, out); break;
    // int64 -> double and uint64 -> double are correctly rounded conversions (ties to even)
    case ArrowValueType::kInt64: convert<std::int64_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kUint64: convert<std::uint64_t>(values, offset, length, scale, out); break;
    case ArrowValueType::kBits: {
      const std::uint8_t* bits = static_cast<const std::uint8_t*>(values);
      for (std::size_t i = 0; i < length; ++i) {
        const std::size_t bit = offset + i;
        const double v = static_cast<double>((bits[bit >> 3] >> (bit & 7)) & 1);
        out[i] = scale < 0 ? v / -scale : v * scale;
      }
      break;
    }
  }
  if (validity) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < length; ++i) {
      const std::size_t bit = offset + i;
      if ((validity[bit >> 3] & (1u << (bit & 7))) == 0) out[i] = nan;
    }
  }
}

}  // namespace mlwatch
