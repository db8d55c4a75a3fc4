// Order-preserving integer images of floats, shared by the CPU and CUDA column sorts (so their
// sorted outputs are bit-identical): the sign bit of non-negative values is set and every bit of
// negative ones flipped, so that unsigned order is numeric order (-0 just below +0).
#pragma once

#include <cstdint>
#include <cstring>

#include "kernels/host_device.h"

namespace mlwatch {

template <typename Float> struct FloatKey;
template <> struct FloatKey<float> { using type = uint32_t; };
template <> struct FloatKey<double> { using type = uint64_t; };

template <typename Float, typename Key = typename FloatKey<Float>::type>
MLWATCH_HOST_DEVICE inline Key to_key(Float v) {
  Key bits;
  std::memcpy(&bits, &v, sizeof bits);
  constexpr Key sign = Key{1} << (8 * sizeof(Key) - 1);
  return (bits & sign) ? ~bits : (bits | sign);
}

template <typename Float, typename Key = typename FloatKey<Float>::type>
MLWATCH_HOST_DEVICE inline Float from_key(Key key) {
  constexpr Key sign = Key{1} << (8 * sizeof(Key) - 1);
  const Key bits = (key & sign) ? (key & ~sign) : ~key;
  Float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

}  // namespace mlwatch
