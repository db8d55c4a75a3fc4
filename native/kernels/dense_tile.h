// Internal to dense.cc and its SIMD twins: the tile shape, the tile function's type and the
// table each SIMD level provides. The AVX2 tile lives in dense_avx2.cc; dense.cc picks one tile
// once, by simd_level().
#pragma once

#include <cstddef>

namespace mlwatch::dense_detail {

constexpr size_t kPanel = 16;      // output columns per packed panel
constexpr size_t kTileRows = 6;    // rows per micro-kernel tile

// Rows r..r+nr of x (nr <= kTileRows) against one packed panel, plus bias (and relu), into acc[nr][16].
using TileFn = void (*)(const float* x, size_t n_in, size_t nr, const float* panel, const float* bias16, bool relu,
                        float acc[kTileRows][kPanel]);

struct DenseTile {
  TileFn tile;
  const char* path;
};

// The AVX2 + FMA tile (dense_avx2.cc); nullptr where this build has none (not x86-64).
const DenseTile* avx2_dense_tile();

}  // namespace mlwatch::dense_detail
