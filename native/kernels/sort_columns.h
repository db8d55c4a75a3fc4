// Per-column sorting of a row-major matrix for the drift tests.
// Semantics (shared with src/backend/js/sort-columns.ts): for each column c in
// [first_col, first_col + col_count), its finite values (NaN and ±Inf dropped) are written,
// ascending, as float64 to out[k * rows, k * rows + counts[k]) where k = c - first_col.
// -0 and +0 compare equal; their relative order is unspecified.
#pragma once

#include <cstddef>

namespace mlwatch {

// out: col_count * rows doubles; counts: col_count doubles.
void sort_columns(const float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts);
void sort_columns(const double* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts);

// Several separate arrays sorted in one call (the batch layer's spilled runs and merge blocks):
// array k, data[k][0, lengths[k]), has its finite values written ascending to out[k][0, counts[k]),
// as sort_columns would sort it as a one-column matrix. With at least as many arrays as threads
// each thread sorts whole arrays (largest first); with fewer, each array is split across every
// thread. The out arrays must not overlap each other or any input.
void sort_arrays(const double* const* data, const size_t* lengths, size_t count, double* const* out, double* counts);

}  // namespace mlwatch
