// Twin of src/backend/js/sketch-bins.ts (the js backend) and native/cuda/sketch_bins.cu (the cuda backend).
// Two passes: keys (and validity, sum, extremes) into a scratch array of int32, then a dense
// histogram over the key range. Keys of a DDSketch fit easily in int32: |log(x)| < 745 for any
// double, times a multiplier of 1/log(gamma) (about 50 for 1 % accuracy).
#include "kernels/sketch_bins.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlwatch {

namespace {

template <typename T>
SketchBins sketch_bins_impl(const T* values, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
  SketchBins out;
  std::vector<int32_t> keys(n);
  int32_t lo = std::numeric_limits<int32_t>::max(), hi = std::numeric_limits<int32_t>::min();
  double smallest = std::numeric_limits<double>::infinity(), largest = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(values[i]);
    if (!(x >= 0.0 && x < std::numeric_limits<double>::infinity())) {
      if (out.first_invalid < 0) out.first_invalid = static_cast<int64_t>(i);
      out.invalid_count += 1;
      keys[i] = std::numeric_limits<int32_t>::min();  // marks "not counted"
      continue;
    }
    out.valid_count += 1;
    out.sum += x;
    smallest = std::min(smallest, x);
    largest = std::max(largest, x);
    if (x <= min_indexable) {
      out.zero_count += 1;
      keys[i] = std::numeric_limits<int32_t>::min();
      continue;
    }
    const double k = std::ceil(std::log(x) * multiplier);
    const int32_t key = static_cast<int32_t>(std::max(-2.0e9, std::min(2.0e9, k)));
    keys[i] = key;
    lo = std::min(lo, key);
    hi = std::max(hi, key);
  }
  out.min = out.valid_count > 0 ? smallest : 0.0;
  out.max = out.valid_count > 0 ? largest : 0.0;
  if (lo > hi) return out;
  const int64_t low = lowest_kept_key(lo, hi, max_buckets);
  out.min_key = low;
  out.counts.assign(static_cast<size_t>(static_cast<int64_t>(hi) - low + 1), 0.0);
  for (size_t i = 0; i < n; ++i)
    if (keys[i] != std::numeric_limits<int32_t>::min()) out.counts[static_cast<size_t>(std::max<int64_t>(keys[i], low) - low)] += 1;
  return out;
}

}  // namespace

SketchBins sketch_bins(const float* values, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
  return sketch_bins_impl(values, n, multiplier, min_indexable, max_buckets);
}

SketchBins sketch_bins(const double* values, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
  return sketch_bins_impl(values, n, multiplier, min_indexable, max_buckets);
}

}  // namespace mlwatch
