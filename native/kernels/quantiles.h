// Exact quantiles, NumPy's default 'linear' method (Hyndman & Fan type 7), by selection.
// Semantics (shared with src/backend/js/quantiles.ts):
//   for each q in [0, 1]: h = (n - 1) * q, lo = floor(h), hi = lo + 1 (both n - 1 when h >= n - 1),
//   g = h - lo, result = lerp(v[lo], v[hi], g) with NumPy's two-sided lerp, where v is the
//   sorted sample. If any value is NaN, every result is NaN (as numpy.quantile).
// The caller's array is never modified: selection runs on a private copy.
#pragma once

#include <cstddef>

namespace mlwatch {

// values: n >= 1 values; q: nq probabilities in [0, 1]; out: nq results, in the order of q.
void quantiles(const float* values, size_t n, const double* q, size_t nq, double* out);
void quantiles(const double* values, size_t n, const double* q, size_t nq, double* out);

// The ranks a quantile interpolates between and the weight of the upper one (shared with the
// CUDA kernel): h = (n - 1) q, lo = floor(h), hi = lo + 1, both n - 1 when h >= n - 1.
struct LinearRanks {
  size_t lo, hi;
  double gamma;
};
LinearRanks linear_ranks(size_t n, double q);

// NumPy's _lerp: a + (b - a) * g, or b - (b - a) * (1 - g) when g >= 0.5. The difference
// is taken in the input's precision, as NumPy does for float32 arrays.
template <typename T>
double numpy_lerp(T a, T b, double g) {
  const T diff = static_cast<T>(b - a);
  if (g >= 0.5) return static_cast<double>(b) - static_cast<double>(diff) * (1.0 - g);
  return static_cast<double>(a) + static_cast<double>(diff) * g;
}

}  // namespace mlwatch
