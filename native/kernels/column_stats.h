// Per-column statistics of a row-major matrix: one pass over memory, float64 accumulation.
// Semantics (shared with src/backend/js/column-stats.ts):
//   count     number of non-NaN values (±Inf are values, as in NumPy's nan-functions)
//   nan_count number of NaN values
//   mean, std population mean and standard deviation (ddof = 0) of the non-NaN values
//   min, max  of the non-NaN values
// A column with no non-NaN value gets NaN mean/std/min/max.
#pragma once

#include <cstddef>

namespace mlwatch {

struct ColumnStatsOut {
  double* count;
  double* nan_count;
  double* mean;
  double* std;
  double* min;
  double* max;
};

// data holds rows * cols values, row-major; every output array holds cols values.
void column_stats(const float* data, size_t rows, size_t cols, const ColumnStatsOut& out);
void column_stats(const double* data, size_t rows, size_t cols, const ColumnStatsOut& out);

// The SIMD path the block passes take on this CPU: "avx2+fma" (column_stats_avx2.cc) or "baseline".
const char* column_stats_path();

// The per-column shift K that every value is taken relative to (the mean of the non-NaN values in
// the first rows, 0 when none is finite), so that the statistics of 1e12 + N(0, 0.01) keep their
// digits. Shared with the CUDA kernel. shift holds cols values.
void column_shifts(const float* data, size_t rows, size_t cols, double* shift);
void column_shifts(const double* data, size_t rows, size_t cols, double* shift);

}  // namespace mlwatch
