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

#include "kernels/cpu_features.h"
#include "kernels/thread_pool.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mlwatch {

namespace {

constexpr size_t kBlockBytes = 32 * 1024;   // one block of rows stays in L1/L2 between passes
constexpr size_t kTaskElements = 1 << 18;   // smallest amount of work worth a task
constexpr size_t kMaxTasks = 64;

// Running statistics of one row range: (n, mean, M2) per column plus NaN count and extremes.
struct Partial {
  explicit Partial(size_t cols)
      : n(cols, 0.0), mean(cols, 0.0), m2(cols, 0.0), nans(cols, 0.0),
        min(cols, std::numeric_limits<double>::infinity()),
        max(cols, -std::numeric_limits<double>::infinity()) {}
  std::vector<double> n, mean, m2, nans, min, max;
};

// Chan et al.: merge (nb, mean_b, m2_b) into (na, mean_a, m2_a).
inline void chan_merge(double& na, double& mean_a, double& m2_a, double nb, double mean_b, double m2_b) {
  if (nb == 0) return;
  if (na == 0) {
    na = nb;
    mean_a = mean_b;
    m2_a = m2_b;
    return;
  }
  const double n = na + nb;
  if (!std::isfinite(mean_a) || !std::isfinite(mean_b)) {
    // An infinite value makes the mean ±Inf (or NaN for +Inf with -Inf) and the spread NaN,
    // as NumPy gives; the delta form below would turn Inf - Inf into NaN for the mean too.
    mean_a = (na * mean_a + nb * mean_b) / n;
    m2_a = std::numeric_limits<double>::quiet_NaN();
    na = n;
    return;
  }
  const double delta = mean_b - mean_a;
  mean_a += delta * (nb / n);
  m2_a += m2_b + delta * delta * (na * nb / n);
  na = n;
}

// Scratch for one block: per-column shift, sum, count, extremes, block mean (relative to the
// shift) and squared deviations.
struct BlockScratch {
  BlockScratch(size_t cols, const std::vector<double>& shift)
      : shift(shift), sum(cols), cnt(cols), mn(cols), mx(cols), bmean(cols), sq(cols) {}
  void reset() {
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(cnt.begin(), cnt.end(), 0.0);
    std::fill(mn.begin(), mn.end(), std::numeric_limits<double>::infinity());
    std::fill(mx.begin(), mx.end(), -std::numeric_limits<double>::infinity());
    std::fill(sq.begin(), sq.end(), 0.0);
  }
  const std::vector<double>& shift;
  std::vector<double> sum, cnt, mn, mx, bmean, sq;
};

// ---- pass bodies: portable versions -------------------------------------------------
// NaN never passes `x == x`; min/max keep the accumulator when x is NaN, as minpd does.
template <typename T>
void pass1_portable(const T* row, size_t c0, size_t cols, BlockScratch& s) {
  for (size_t c = c0; c < cols; ++c) {
    const double x = static_cast<double>(row[c]);
    const bool ok = (x == x);
    s.sum[c] += ok ? x - s.shift[c] : 0.0;
    s.cnt[c] += ok ? 1.0 : 0.0;
    s.mn[c] = (x < s.mn[c]) ? x : s.mn[c];
    s.mx[c] = (x > s.mx[c]) ? x : s.mx[c];
  }
}

template <typename T>
void pass2_portable(const T* row, size_t c0, size_t cols, BlockScratch& s) {
  for (size_t c = c0; c < cols; ++c) {
    const double x = static_cast<double>(row[c]);
    if (x == x) {
      const double d = (x - s.shift[c]) - s.bmean[c];
      s.sq[c] += d * d;
    }
  }
}

// ---- pass bodies: AVX2 + FMA, four columns at a time -----------------------------------
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLWATCH_AVX2 __attribute__((target("avx2,fma")))

MLWATCH_AVX2 inline __m256d load4(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
MLWATCH_AVX2 inline __m256d load4(const double* p) { return _mm256_loadu_pd(p); }

template <typename T>
MLWATCH_AVX2 size_t pass1_avx2(const T* row, size_t cols, BlockScratch& s) {
  const __m256d one = _mm256_set1_pd(1.0);
  size_t c = 0;
  for (; c + 4 <= cols; c += 4) {
    const __m256d x = load4(row + c);
    const __m256d ok = _mm256_cmp_pd(x, x, _CMP_ORD_Q);
    const __m256d shifted = _mm256_sub_pd(x, _mm256_loadu_pd(&s.shift[c]));
    _mm256_storeu_pd(&s.sum[c], _mm256_add_pd(_mm256_loadu_pd(&s.sum[c]), _mm256_and_pd(shifted, ok)));
    _mm256_storeu_pd(&s.cnt[c], _mm256_add_pd(_mm256_loadu_pd(&s.cnt[c]), _mm256_and_pd(one, ok)));
    // minpd/maxpd return the second operand when the first is NaN: NaN is skipped.
    _mm256_storeu_pd(&s.mn[c], _mm256_min_pd(x, _mm256_loadu_pd(&s.mn[c])));
    _mm256_storeu_pd(&s.mx[c], _mm256_max_pd(x, _mm256_loadu_pd(&s.mx[c])));
  }
  return c;
}

template <typename T>
MLWATCH_AVX2 size_t pass2_avx2(const T* row, size_t cols, BlockScratch& s) {
  size_t c = 0;
  for (; c + 4 <= cols; c += 4) {
    const __m256d x = load4(row + c);
    const __m256d ok = _mm256_cmp_pd(x, x, _CMP_ORD_Q);
    const __m256d shifted = _mm256_sub_pd(x, _mm256_loadu_pd(&s.shift[c]));
    const __m256d d = _mm256_and_pd(_mm256_sub_pd(shifted, _mm256_loadu_pd(&s.bmean[c])), ok);
    _mm256_storeu_pd(&s.sq[c], _mm256_fmadd_pd(d, d, _mm256_loadu_pd(&s.sq[c])));
  }
  return c;
}

template <typename T>
MLWATCH_AVX2 void block_passes_avx2(const T* data, size_t r0, size_t r1, size_t cols, BlockScratch& s) {
  for (size_t r = r0; r < r1; ++r) {
    const T* row = data + r * cols;
    pass1_portable(row, pass1_avx2(row, cols, s), cols, s);
  }
  for (size_t c = 0; c < cols; ++c) s.bmean[c] = s.cnt[c] > 0 ? s.sum[c] / s.cnt[c] : 0.0;
  for (size_t r = r0; r < r1; ++r) {
    const T* row = data + r * cols;
    pass2_portable(row, pass2_avx2(row, cols, s), cols, s);
  }
}
#endif

template <typename T>
void block_passes_portable(const T* data, size_t r0, size_t r1, size_t cols, BlockScratch& s) {
  for (size_t r = r0; r < r1; ++r) pass1_portable(data + r * cols, 0, cols, s);
  for (size_t c = 0; c < cols; ++c) s.bmean[c] = s.cnt[c] > 0 ? s.sum[c] / s.cnt[c] : 0.0;
  for (size_t r = r0; r < r1; ++r) pass2_portable(data + r * cols, 0, cols, s);
}

template <typename T>
void stats_of_range(const T* data, size_t r0, size_t r1, size_t cols, size_t block_rows,
                    const std::vector<double>& shift, Partial& p) {
  BlockScratch s(cols, shift);
  const bool avx2 = simd_level() == SimdLevel::Avx2Fma;
  for (size_t b0 = r0; b0 < r1; b0 += block_rows) {
    const size_t b1 = std::min(r1, b0 + block_rows);
    s.reset();
#if defined(MLWATCH_AVX2)
    if (avx2)
      block_passes_avx2(data, b0, b1, cols, s);
    else
#endif
      block_passes_portable(data, b0, b1, cols, s);
    (void)avx2;
    const double rows_in_block = static_cast<double>(b1 - b0);
    for (size_t c = 0; c < cols; ++c) {
      p.nans[c] += rows_in_block - s.cnt[c];
      p.min[c] = std::min(p.min[c], s.mn[c]);
      p.max[c] = std::max(p.max[c], s.mx[c]);
      chan_merge(p.n[c], p.mean[c], p.m2[c], s.cnt[c], s.bmean[c], s.sq[c]);
    }
  }
}

// The shift K per column: the mean of the non-NaN values in the first rows, 0 if none is finite.
template <typename T>
std::vector<double> first_block_means(const T* data, size_t rows, size_t cols) {
  std::vector<double> sum(cols, 0.0), cnt(cols, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const double x = static_cast<double>(data[r * cols + c]);
      if (x == x) {
        sum[c] += x;
        cnt[c] += 1.0;
      }
    }
  }
  for (size_t c = 0; c < cols; ++c) {
    const double k = cnt[c] > 0 ? sum[c] / cnt[c] : 0.0;
    sum[c] = std::isfinite(k) ? k : 0.0;
  }
  return sum;
}

template <typename T>
void column_stats_impl(const T* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  if (cols == 0) return;
  const size_t block_rows = std::max<size_t>(4, kBlockBytes / (cols * sizeof(T)));
  const size_t elements = rows * cols;
  size_t tasks = std::min(kMaxTasks, std::max<size_t>(1, elements / kTaskElements));
  tasks = std::min(tasks, std::max<size_t>(1, rows / block_rows));
  const size_t rows_per_task = (rows + tasks - 1) / tasks;
  const std::vector<double> shift = first_block_means(data, std::min(rows, block_rows), cols);

  std::vector<Partial> partials;
  partials.reserve(tasks);
  for (size_t t = 0; t < tasks; ++t) partials.emplace_back(cols);
  parallel_for(tasks, [&](size_t t) {
    const size_t r0 = std::min(rows, t * rows_per_task);
    const size_t r1 = std::min(rows, r0 + rows_per_task);
    stats_of_range(data, r0, r1, cols, block_rows, shift, partials[t]);
  });

  Partial& total = partials[0];
  for (size_t t = 1; t < tasks; ++t) {
    const Partial& p = partials[t];
    for (size_t c = 0; c < cols; ++c) {
      total.nans[c] += p.nans[c];
      total.min[c] = std::min(total.min[c], p.min[c]);
      total.max[c] = std::max(total.max[c], p.max[c]);
      chan_merge(total.n[c], total.mean[c], total.m2[c], p.n[c], p.mean[c], p.m2[c]);
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t c = 0; c < cols; ++c) {
    const double n = total.n[c];
    out.count[c] = n;
    out.nan_count[c] = total.nans[c];
    out.mean[c] = n > 0 ? shift[c] + total.mean[c] : nan;
    out.std[c] = n > 0 ? std::sqrt(total.m2[c] / n) : nan;
    out.min[c] = n > 0 ? total.min[c] : nan;
    out.max[c] = n > 0 ? total.max[c] : nan;
  }
}

}  // namespace

void column_stats(const float* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  column_stats_impl(data, rows, cols, out);
}

void column_stats(const double* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  column_stats_impl(data, rows, cols, out);
}

}  // namespace mlwatch
