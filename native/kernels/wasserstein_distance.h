// The first Wasserstein distance of two unsorted samples, without sorting them: twin of
// src/backend/js/wasserstein-distance.ts (the readable reference). Its answer is the integral of
// |Fa - Fb| that the sorted walk (ecdf_distances) sums step by step, taken bin by bin in closed
// form where the sign of Fa - Fb cannot change: equal to the walk's to rounding (1e-12 relative),
// not bit for bit.
#pragma once

#include <cstddef>

namespace mlwatch {

struct WassersteinDistance {
  double wasserstein;  // NaN when a sample has no finite value
  double na;           // finite values of a
  double nb;           // finite values of b
};

// Bins the finite values of both samples by value (one read, on the thread pool) with each bin's
// count, sum, least and largest value; integrates |Fa - Fb| in closed form over every bin where
// Fa - Fb keeps its sign, and sorts and walks the values of the others. Each sample float32 or
// float64. The result does not depend on the number of threads.
WassersteinDistance wasserstein_distance(const float* a, size_t la, const float* b, size_t lb);
WassersteinDistance wasserstein_distance(const float* a, size_t la, const double* b, size_t lb);
WassersteinDistance wasserstein_distance(const double* a, size_t la, const float* b, size_t lb);
WassersteinDistance wasserstein_distance(const double* a, size_t la, const double* b, size_t lb);

}  // namespace mlwatch
