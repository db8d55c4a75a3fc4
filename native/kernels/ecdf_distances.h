// KS statistic and first Wasserstein distance between pairs of sorted samples, one merge walk
// each. Semantics (shared with src/backend/js/ecdf-distances.ts): after each distinct pooled
// value x, diff = |i/na - j/nb| (i, j: values <= x in each sample); ks = max diff;
// wasserstein = Σ diff * (next pooled value - x), Neumaier-compensated. NaN when a sample is empty.
//
// The walk also comes in a form that carries its state across blocks (ecdf_walk), for samples
// delivered a sorted block at a time (larger than memory); ecdf_distances is its one-call case.
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

// The walk's state between blocks, laid out as the JS Float64Array of the same name
// (src/backend/ecdf-walk-state.ts). na and nb are the samples' whole sizes; i and j count the
// values consumed so far; `last` is the last pooled value consumed and last_diff the ECDF
// difference after it, whose KS and Wasserstein terms wait for the next, larger pooled value.
struct EcdfWalkState {
  double na, nb, i, j, ks, sum, compensation, last, last_diff;
};
constexpr size_t kEcdfWalkStateSize = 9;
static_assert(sizeof(EcdfWalkState) == kEcdfWalkStateSize * sizeof(double), "the state crosses to JS as 9 doubles");

// Consumes from the blocks a[0, la) and b[0, lb) (the next values of each sample) every value it
// can: all of them when both are final (no values follow), else until a non-final block is used
// up (its next value is unknown). The caller passes what was not consumed (state.i and state.j
// advanced by the number consumed) again with the following block.
void ecdf_walk(const double* a, size_t la, bool a_final, const double* b, size_t lb, bool b_final, EcdfWalkState& s);

// The distances of a finished walk: NaN when a sample is empty.
double ecdf_walk_ks(const EcdfWalkState& s);
double ecdf_walk_wasserstein(const EcdfWalkState& s);

}  // namespace mlwatch
