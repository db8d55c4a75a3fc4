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

}  // namespace mlwatch
