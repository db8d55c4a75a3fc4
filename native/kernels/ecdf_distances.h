// KS statistic and first Wasserstein distance between pairs of sorted samples, one merge walk
// each. Semantics (shared with src/backend/js/ecdf-distances.ts): after each distinct pooled
// value x, diff = |i/na - j/nb| (i, j: values <= x in each sample); ks = max diff;
// wasserstein = Σ diff * (next pooled value - x), Neumaier-compensated. NaN when a sample is empty.
#pragma once

#include <cstddef>

namespace mlwatch {

struct SamplePair {
  const double* a;
  size_t na;
  const double* b;
  size_t nb;
};

// Fills ks[k] and wasserstein[k] for every pair; pairs run in parallel.
void ecdf_distances(const SamplePair* pairs, size_t count, double* ks, double* wasserstein);

}  // namespace mlwatch
