// Bucket counts of a batch of values for a logarithmic quantile sketch (DDSketch mapping).
// Semantics (shared with src/backend/js/sketch-bins.ts):
//   a value x is valid when 0 <= x < +Inf (NaN, negatives and +Inf are invalid and not counted);
//   x <= min_indexable counts in zero_count; otherwise its key is ceil(log(x) * multiplier);
//   counts[k - min_key] is the number of values with key k, for min_key .. max_key, where min_key is
//   at least max_key - max_buckets + 1: lower keys count in counts[0] (memory stays bounded).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mlwatch {

struct SketchBins {
  int64_t min_key = 0;
  std::vector<double> counts;  // empty when no value had a key
  double zero_count = 0;
  double sum = 0;              // of the valid values
  double min = 0, max = 0;     // of the valid values (0 when there is none)
  double valid_count = 0;
  double invalid_count = 0;
  int64_t first_invalid = -1;  // index of the first invalid value, -1 if none
};

// The lowest key a batch keeps: keys more than max_buckets - 1 below the largest (hi) count in it.
inline int64_t lowest_kept_key(int64_t lo, int64_t hi, size_t max_buckets) {
  const int64_t floor_key = hi - static_cast<int64_t>(max_buckets > 0 ? max_buckets : 1) + 1;
  return lo > floor_key ? lo : floor_key;
}

SketchBins sketch_bins(const float* values, size_t n, double multiplier, double min_indexable, size_t max_buckets);
SketchBins sketch_bins(const double* values, size_t n, double multiplier, double min_indexable, size_t max_buckets);

}  // namespace mlwatch
