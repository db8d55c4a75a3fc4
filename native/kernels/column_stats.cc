// Twin of src/backend/js/column-stats.ts (the js backend) and native/cuda/column_stats.cu (the cuda backend).
// Blocked two-pass statistics with Chan's merge.
//
// The matrix is cut into blocks of a few rows that fit in L1/L2. For each block, pass 1
// accumulates sum, count, min and max per column; pass 2 re-reads the block from cache and
// accumulates the squared deviations from the block's own mean. The block results are then
// merged into running (n, mean, M2) with Chan et al.'s parallel update. Memory is read from
// RAM once, and the variance is as accurate as a textbook two-pass algorithm.
//
// Every value is first shifted by a per-column constant K (the mean of the matrix's first
// block), and all means are kept relative to K. Without the shift, the differences of block
// means in Chan's update lose digits on columns like 1e8 + N(0, 1) (the means' rounding,
// 1.5e-8 at 1e8, is large against their spread); with it they are small numbers known to full
// precision, and x - K is exact for x near K.
//
// Rows are split into a fixed number of row ranges (chosen from the shape only), each run
// as one task on the thread pool and merged in order, so results do not depend on the
// number of threads.
#include "kernels/column_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/chan_merge.h"
#include "kernels/column_stats_block.h"
#include "kernels/cpu_features.h"
#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

constexpr size_t kBlockBytes = 64 * 1024;   // a block of rows stays in L2 between the passes
constexpr size_t kTaskElements = 1 << 18;   // smallest amount of work worth a task
constexpr size_t kMaxTasks = 64;

// Rows per block: a block of rows stays in L2 between the two passes.
template <typename T>
size_t shift_rows(size_t cols) {
  return std::max<size_t>(4, kBlockBytes / (cols * sizeof(T)));
}

// Running statistics of one row range: (n, mean, M2) per column plus NaN count and extremes.
struct Partial {
  explicit Partial(size_t cols)
      : n(cols, 0.0), mean(cols, 0.0), m2(cols, 0.0), nans(cols, 0.0),
        min(cols, std::numeric_limits<double>::infinity()),
        max(cols, -std::numeric_limits<double>::infinity()) {}
  std::vector<double> n, mean, m2, nans, min, max;
};


using namespace column_stats_detail;

const BlockPasses kPortable{&block_passes_portable<float>, &block_passes_portable<double>, "baseline"};

// The block passes of this CPU's SIMD level, chosen once.
const BlockPasses& chosen_passes() {
  static const BlockPasses& chosen = simd_level() == SimdLevel::Avx2Fma && avx2_block_passes() ? *avx2_block_passes() : kPortable;
  return chosen;
}

BlockPassesFn<float> passes_for(const float*) { return chosen_passes().f32; }
BlockPassesFn<double> passes_for(const double*) { return chosen_passes().f64; }

template <typename T>
void stats_of_range(const T* data, size_t r0, size_t r1, size_t cols, size_t block_rows,
                    const std::vector<double>& shift, Partial& p) {
  BlockScratch s(cols, shift);
  const BlockPassesFn<T> passes = passes_for(data);
  std::vector<char> masked(cols);
  for (size_t b0 = r0; b0 < r1; b0 += block_rows) {
    const size_t b1 = std::min(r1, b0 + block_rows);
    s.reset();
    passes(data, b0, b1, cols, s, masked);
    const double rows_in_block = static_cast<double>(b1 - b0);
    for (size_t c = 0; c < cols; ++c) {
      p.nans[c] += rows_in_block - s.count[c];
      p.min[c] = std::min(p.min[c], s.minimum[c]);
      p.max[c] = std::max(p.max[c], s.maximum[c]);
      chan_merge(p.n[c], p.mean[c], p.m2[c], s.count[c], s.mean_in_block[c], s.squares[c]);
    }
  }
}

template <typename T>
void accumulate_impl(const T* data, size_t rows, size_t cols, double* state) {
  if (cols == 0 || rows == 0) return;
  const size_t block_rows = shift_rows<T>(cols);
  const size_t elements = rows * cols;
  size_t tasks = std::min(kMaxTasks, std::max<size_t>(1, elements / kTaskElements));
  tasks = std::min(tasks, std::max<size_t>(1, rows / block_rows));
  const size_t rows_per_task = (rows + tasks - 1) / tasks;
  double* shift = state + kShift * cols;
  if (std::any_of(shift, shift + cols, [](double k) { return std::isnan(k); })) {
    std::vector<double> first(cols);
    column_shifts(data, rows, cols, first.data());
    for (size_t c = 0; c < cols; ++c)
      if (std::isnan(shift[c])) shift[c] = first[c];
  }
  const std::vector<double> shifts(shift, shift + cols);

  std::vector<Partial> partials;
  partials.reserve(tasks);
  for (size_t t = 0; t < tasks; ++t) partials.emplace_back(cols);
  parallel_for(tasks, [&](size_t t) {
    const size_t r0 = std::min(rows, t * rows_per_task);
    const size_t r1 = std::min(rows, r0 + rows_per_task);
    stats_of_range(data, r0, r1, cols, block_rows, shifts, partials[t]);
  });

  // The ranges in order, after what the state holds: with a fresh state the result does not
  // depend on the number of threads, and one call equals column_stats.
  double* n = state + kCount * cols;
  double* nans = state + kNanCount * cols;
  double* mean = state + kMean * cols;
  double* m2 = state + kM2 * cols;
  double* min = state + kMin * cols;
  double* max = state + kMax * cols;
  for (const Partial& p : partials) {
    for (size_t c = 0; c < cols; ++c) {
      nans[c] += p.nans[c];
      min[c] = std::min(min[c], p.min[c]);
      max[c] = std::max(max[c], p.max[c]);
      chan_merge(n[c], mean[c], m2[c], p.n[c], p.mean[c], p.m2[c]);
    }
  }
  // A column with no value yet leaves its shift to the next block (nothing depends on it):
  // a first block of NaN must not fix K = 0 for a column of values near 1e12.
  for (size_t c = 0; c < cols; ++c)
    if (n[c] == 0) shift[c] = std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

// The mean of the non-NaN values in the first block of rows.
template <typename T>
static void column_shifts_impl(const T* data, size_t rows, size_t cols, double* shift) {
  const size_t first = std::min(rows, shift_rows<T>(cols));
  std::vector<double> count(cols, 0.0);
  std::fill(shift, shift + cols, 0.0);
  for (size_t r = 0; r < first; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const double x = static_cast<double>(data[r * cols + c]);
      if (x == x) {
        shift[c] += x;
        count[c] += 1.0;
      }
    }
  }
  for (size_t c = 0; c < cols; ++c) {
    const double k = count[c] > 0 ? shift[c] / count[c] : 0.0;
    shift[c] = std::isfinite(k) ? k : 0.0;
  }
}

void column_shifts(const float* data, size_t rows, size_t cols, double* shift) {
  column_shifts_impl(data, rows, cols, shift);
}

void column_shifts(const double* data, size_t rows, size_t cols, double* shift) {
  column_shifts_impl(data, rows, cols, shift);
}

void fresh_column_stats_state(size_t cols, double* state) {
  const double initial[kColumnStatsFields] = {0, 0, std::numeric_limits<double>::quiet_NaN(), 0, 0,
                                              std::numeric_limits<double>::infinity(),
                                              -std::numeric_limits<double>::infinity()};
  for (size_t f = 0; f < kColumnStatsFields; ++f) std::fill(state + f * cols, state + (f + 1) * cols, initial[f]);
}

void accumulate_column_stats(const float* data, size_t rows, size_t cols, double* state) {
  accumulate_impl(data, rows, cols, state);
}

void accumulate_column_stats(const double* data, size_t rows, size_t cols, double* state) {
  accumulate_impl(data, rows, cols, state);
}

void column_stats_of_state(const double* state, size_t cols, const ColumnStatsOut& out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t c = 0; c < cols; ++c) {
    const double n = state[kCount * cols + c];
    out.count[c] = n;
    out.nan_count[c] = state[kNanCount * cols + c];
    out.mean[c] = n > 0 ? state[kShift * cols + c] + state[kMean * cols + c] : nan;
    out.std[c] = n > 0 ? std::sqrt(state[kM2 * cols + c] / n) : nan;
    out.min[c] = n > 0 ? state[kMin * cols + c] : nan;
    out.max[c] = n > 0 ? state[kMax * cols + c] : nan;
  }
}

template <typename T>
static void column_stats_impl(const T* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  std::vector<double> state(kColumnStatsFields * cols);
  fresh_column_stats_state(cols, state.data());
  accumulate_impl(data, rows, cols, state.data());
  column_stats_of_state(state.data(), cols, out);
}

void column_stats(const float* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  column_stats_impl(data, rows, cols, out);
}

void column_stats(const double* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  column_stats_impl(data, rows, cols, out);
}

const char* column_stats_path() { return chosen_passes().path; }

}  // namespace mlwatch
