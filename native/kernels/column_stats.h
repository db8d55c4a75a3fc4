// Per-column statistics of a row-major matrix: one pass over memory, float64 accumulation.
// Semantics (shared with src/backend/js/column-stats.ts):
//   count     number of non-NaN values (±Inf are values, as in NumPy's nan-functions)
//   nan_count number of NaN values
//   mean, std population mean and standard deviation (ddof = 0) of the non-NaN values
//   min, max  of the non-NaN values
// A column with no non-NaN value gets NaN mean/std/min/max.
//
// The statistics also come in a form that carries its state across blocks of rows
// (accumulate_column_stats), for data delivered a block at a time; column_stats is its one-call case.
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

// The running statistics between blocks: 7 * cols doubles, field by field (each field's cols
// values together), laid out as src/backend/column-stats-state.ts's Float64Array: the count of
// non-NaN values, the NaN count, the shift K (NaN until a block with values fixes it), the mean
// relative to K, M2 (the sum of squared deviations), the minimum and the maximum.
enum ColumnStatsField : size_t { kCount, kNanCount, kShift, kMean, kM2, kMin, kMax, kColumnStatsFields };

// A state that has seen no rows.
void fresh_column_stats_state(size_t cols, double* state);

// Adds rows x cols values (row-major) to the state; the first block with values in a column fixes
// its shift K, so a column's statistics keep their digits over any number of blocks.
void accumulate_column_stats(const float* data, size_t rows, size_t cols, double* state);
void accumulate_column_stats(const double* data, size_t rows, size_t cols, double* state);

// The statistics of every row added to the state.
void column_stats_of_state(const double* state, size_t cols, const ColumnStatsOut& out);

// The SIMD path the block passes take on this CPU: "avx2+fma" (column_stats_avx2.cc) or "baseline".
const char* column_stats_path();

// The per-column shift K that every value is taken relative to (the mean of the non-NaN values in
// the first rows, 0 when none is finite), so that the statistics of 1e12 + N(0, 0.01) keep their
// digits. Shared with the CUDA kernel. shift holds cols values.
void column_shifts(const float* data, size_t rows, size_t cols, double* shift);
void column_shifts(const double* data, size_t rows, size_t cols, double* shift);

}  // namespace mlwatch
