// The AVX2 + FMA micro-kernel of the dense layer (see dense.cc). Only the functions marked
// MLWATCH_AVX2 use AVX2; dense.cc calls them through the table below, and only when simd_level()
// says the CPU has AVX2 and FMA.
#include "kernels/dense_tile.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mlwatch::dense_detail {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLWATCH_AVX2 __attribute__((target("avx2,fma")))

// AVX2 tile: NR (1..6) rows x 16 columns in 2 x NR accumulators. Every row's outputs are the
// same chain of FMAs over k whatever NR is, so results do not depend on where batches or tiles
// begin.
template <size_t NR>
MLWATCH_AVX2 void tile_avx2(const float* x, size_t n_in, const float* panel, const float* bias16, bool relu,
                            float acc[kTileRows][kPanel]) {
  __m256 c[NR][2];
#pragma GCC unroll 6
  for (size_t i = 0; i < NR; ++i) c[i][0] = c[i][1] = _mm256_setzero_ps();
  for (size_t k = 0; k < n_in; ++k) {
    const __m256 w0 = _mm256_loadu_ps(panel + k * kPanel), w1 = _mm256_loadu_ps(panel + k * kPanel + 8);
#pragma GCC unroll 6
    for (size_t i = 0; i < NR; ++i) {
      const __m256 a = _mm256_broadcast_ss(x + i * n_in + k);
      c[i][0] = _mm256_fmadd_ps(a, w0, c[i][0]);
      c[i][1] = _mm256_fmadd_ps(a, w1, c[i][1]);
    }
  }
  // Bias and relu in registers: a data-dependent branch per output would mispredict half the time.
  const __m256 b0 = _mm256_loadu_ps(bias16), b1 = _mm256_loadu_ps(bias16 + 8), zero = _mm256_setzero_ps();
#pragma GCC unroll 6
  for (size_t i = 0; i < NR; ++i) {
    __m256 v0 = _mm256_add_ps(c[i][0], b0), v1 = _mm256_add_ps(c[i][1], b1);
    if (relu) v0 = _mm256_max_ps(v0, zero), v1 = _mm256_max_ps(v1, zero);
    _mm256_storeu_ps(acc[i], v0);
    _mm256_storeu_ps(acc[i] + 8, v1);
  }
}

MLWATCH_AVX2 void tile_avx2_rows(const float* x, size_t n_in, size_t nr, const float* panel, const float* bias16, bool relu,
                                 float acc[kTileRows][kPanel]) {
  switch (nr) {
    case 6: return tile_avx2<6>(x, n_in, panel, bias16, relu, acc);
    case 5: return tile_avx2<5>(x, n_in, panel, bias16, relu, acc);
    case 4: return tile_avx2<4>(x, n_in, panel, bias16, relu, acc);
    case 3: return tile_avx2<3>(x, n_in, panel, bias16, relu, acc);
    case 2: return tile_avx2<2>(x, n_in, panel, bias16, relu, acc);
    default: return tile_avx2<1>(x, n_in, panel, bias16, relu, acc);
  }
}

const DenseTile* avx2_dense_tile() {
  static const DenseTile table{&tile_avx2_rows, "avx2+fma"};
  return &table;
}
#else
const DenseTile* avx2_dense_tile() { return nullptr; }
#endif

}  // namespace mlwatch::dense_detail
