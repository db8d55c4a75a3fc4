// Internal to column_stats.cc and its SIMD twins: the scratch of one block of rows, the portable
// pass bodies, and the table of block passes each SIMD level provides. The AVX2 bodies live in
// column_stats_avx2.cc; column_stats.cc picks one table once, by simd_level().
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace mlwatch::column_stats_detail {

// Scratch for one block: per-column shift, sum, count, extremes, block mean (relative to the
// shift) and squared deviations.
struct BlockScratch {
  BlockScratch(size_t cols, const std::vector<double>& shift)
      : shift(shift), sum(cols), count(cols), minimum(cols), maximum(cols), mean_in_block(cols), squares(cols) {}
  void reset() {
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(count.begin(), count.end(), 0.0);
    std::fill(minimum.begin(), minimum.end(), std::numeric_limits<double>::infinity());
    std::fill(maximum.begin(), maximum.end(), -std::numeric_limits<double>::infinity());
    std::fill(squares.begin(), squares.end(), 0.0);
  }
  const std::vector<double>& shift;
  std::vector<double> sum, count, minimum, maximum, mean_in_block, squares;
};

// ---- pass bodies: portable versions, over columns [ca, cb) of one row ----------------
// NaN never passes `x == x`; min/max keep the accumulator when x is NaN, as minpd does.
template <typename T>
inline void pass1_portable(const T* row, size_t ca, size_t cb, BlockScratch& s) {
  for (size_t c = ca; c < cb; ++c) {
    const double x = static_cast<double>(row[c]);
    const bool ok = (x == x);
    s.sum[c] += ok ? x - s.shift[c] : 0.0;
    s.count[c] += ok ? 1.0 : 0.0;
    s.minimum[c] = (x < s.minimum[c]) ? x : s.minimum[c];
    s.maximum[c] = (x > s.maximum[c]) ? x : s.maximum[c];
  }
}

template <typename T>
inline void pass2_portable(const T* row, size_t ca, size_t cb, BlockScratch& s) {
  for (size_t c = ca; c < cb; ++c) {
    const double x = static_cast<double>(row[c]);
    if (x == x) {
      const double d = (x - s.shift[c]) - s.mean_in_block[c];
      s.squares[c] += d * d;
    }
  }
}

template <typename T>
inline void block_mean(size_t cols, BlockScratch& s) {
  for (size_t c = 0; c < cols; ++c) s.mean_in_block[c] = s.count[c] > 0 ? s.sum[c] / s.count[c] : 0.0;
}

template <typename T>
inline void block_passes_portable(const T* data, size_t r0, size_t r1, size_t cols, BlockScratch& s, std::vector<char>& /*masked*/) {
  for (size_t r = r0; r < r1; ++r) pass1_portable(data + r * cols, 0, cols, s);
  block_mean<T>(cols, s);
  for (size_t r = r0; r < r1; ++r) pass2_portable(data + r * cols, 0, cols, s);
}


// Both passes over rows [r0, r1) of a block, for one element type; `masked` is per-strip scratch.
template <typename T>
using BlockPassesFn = void (*)(const T* data, size_t r0, size_t r1, size_t cols, BlockScratch& s, std::vector<char>& masked);

// The block passes of one SIMD level.
struct BlockPasses {
  BlockPassesFn<float> f32;
  BlockPassesFn<double> f64;
  const char* path;
};

// The AVX2 + FMA passes (column_stats_avx2.cc); nullptr where this build has none (not x86-64).
const BlockPasses* avx2_block_passes();

}  // namespace mlwatch::column_stats_detail
