#include "kernels/gather_rows.h"

#include <cmath>
#include <limits>

namespace mlwatch {

std::size_t kept_rows(const std::uint8_t* keep, std::size_t n) {
  if (!keep) return n;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) kept += keep[i] != 0;
  return kept;
}

GatheredValues gather_finite(const double* values, std::size_t n, const std::uint8_t* keep, double* out) {
  double min = std::numeric_limits<double>::infinity();
  double max = -min;
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = values[i];
    // v - v is 0 for a finite value, NaN for NaN and ±Infinity (as the JS reference tests it)
    if ((keep && keep[i] == 0) || !(v - v == 0)) continue;
    out[k++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {k, min, max};
}

std::size_t first_code_at_or_above(const std::int32_t* codes, std::size_t n, const std::uint8_t* keep,
                                   std::int64_t limit) {
  for (std::size_t i = 0; i < n; ++i) {
    if (keep && keep[i] == 0) continue;
    if (codes[i] >= limit) return i;
  }
  return n;
}

void count_codes(const std::int32_t* codes, std::size_t n, const std::uint8_t* keep, double* counts) {
  for (std::size_t i = 0; i < n; ++i) {
    if (keep && keep[i] == 0) continue;
    const std::int32_t c = codes[i];
    if (c >= 0) counts[c] += 1;
  }
}

}  // namespace mlwatch
