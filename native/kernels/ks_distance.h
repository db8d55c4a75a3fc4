// The two-sample Kolmogorov–Smirnov distance of two unsorted samples, without sorting them: twin
// of src/backend/js/ks-distance.ts (the readable reference). Its answer is the `ks` of
// ecdf_distances over both samples' finite values sorted, bit for bit: the same maximum of
// |i/na - j/nb| after each distinct pooled value.
#pragma once

#include <cstddef>

namespace mlwatch {

struct KsDistance {
  double ks;  // NaN when a sample has no finite value
  double na;  // finite values of a
  double nb;  // finite values of b
};

// Bins the finite values of both samples by value (one read, on the thread pool), bounds the
// ECDF difference inside each bin from the counts before and after it, and sorts and walks only
// the values of the bins whose bound exceeds the largest difference seen at a bin's end.
// Each sample float32 or float64.
KsDistance ks_distance(const float* a, size_t la, const float* b, size_t lb);
KsDistance ks_distance(const float* a, size_t la, const double* b, size_t lb);
KsDistance ks_distance(const double* a, size_t la, const float* b, size_t lb);
KsDistance ks_distance(const double* a, size_t la, const double* b, size_t lb);

}  // namespace mlwatch
