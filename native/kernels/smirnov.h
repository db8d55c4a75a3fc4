// The one-sided Smirnov tail Pr(D_n+ > x) (scipy.special.smirnov), the costly part of the
// large-n two-sample KS p-value: twin of src/backend/js/smirnov.ts (the readable reference), the
// same blocks of the sum in the same order of operations; the blocks' terms are computed on the
// thread pool and added in index order, so the result does not depend on the number of threads.
#pragma once

namespace mlwatch {

// Indices per block of the sum (SMIRNOV_BLOCK in smirnov.ts): part of the result's definition.
constexpr long kSmirnovBlock = 4096;

// NaN unless n is a positive integer and 0 <= x <= 1.
double smirnov_sf(double n, double x);

}  // namespace mlwatch
