// Twin of native/kernels/column_stats.cc (the cpu backend) and src/backend/js/column-stats.ts (the js backend).
// Per-column statistics on the device, with the CPU kernel's method (native/kernels/column_stats.cc):
// every value is taken relative to the same per-column shift K, tiles of rows get an exact
// two-pass mean and squared deviation, and tiles are merged with Chan et al.'s update in a fixed
// order (so results never depend on scheduling).
//
// Layout: a block of 32 x 8 threads owns 32 columns of one tile of rows; lane x reads column
// c0 + x, so a warp reads consecutive addresses of a row. The matrix arrives in row chunks
// (whole tiles), alternating two streams, so one chunk's tiles run while the next is staged.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/device.h"
#include "kernels/chan_merge.h"

namespace mlwatch {
namespace cuda {

namespace {

constexpr int kLanes = 32;
constexpr int kRowsPerStep = 8;
constexpr size_t kChunkBytes = size_t{64} << 20;
constexpr size_t kPartialBytes = size_t{256} << 20;
constexpr size_t kMaxTiles = 4096;
constexpr int kMergeThreads = 256;

// One tile's (or a merged range's) statistics of one column; mean and m2 relative to the shift.
struct Partials {
  double *n, *mean, *m2, *nans, *min, *max;
};

template <typename T>
__global__ void tile_stats(const T* __restrict__ data, size_t chunk_rows, size_t cols, size_t tile_rows,
                           const double* __restrict__ shift, size_t first_tile, Partials out) {
  __shared__ double s_sum[kRowsPerStep][kLanes], s_count[kRowsPerStep][kLanes];
  __shared__ double s_min[kRowsPerStep][kLanes], s_max[kRowsPerStep][kLanes];
  __shared__ double s_mean[kLanes];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const size_t c = static_cast<size_t>(blockIdx.y) * kLanes + tx;
  const size_t r0 = static_cast<size_t>(blockIdx.x) * tile_rows;
  const size_t r1 = smin(chunk_rows, r0 + tile_rows);
  const bool active = c < cols;
  const double k = active ? shift[c] : 0.0;

  double sum = 0, count = 0, minimum = CUDART_INF, maximum = -CUDART_INF;
  if (active) {
    for (size_t r = r0 + ty; r < r1; r += kRowsPerStep) {
      const double x = static_cast<double>(data[r * cols + c]);
      if (x == x) {
        sum += x - k;
        count += 1;
        minimum = x < minimum ? x : minimum;
        maximum = x > maximum ? x : maximum;
      }
    }
  }
  s_sum[ty][tx] = sum;
  s_count[ty][tx] = count;
  s_min[ty][tx] = minimum;
  s_max[ty][tx] = maximum;
  __syncthreads();
  if (ty == 0) {
    for (int i = 1; i < kRowsPerStep; ++i) {  // fixed order: deterministic
      sum += s_sum[i][tx];
      count += s_count[i][tx];
      minimum = s_min[i][tx] < minimum ? s_min[i][tx] : minimum;
      maximum = s_max[i][tx] > maximum ? s_max[i][tx] : maximum;
    }
    s_mean[tx] = count > 0 ? sum / count : 0.0;
    s_count[0][tx] = count;
    s_min[0][tx] = minimum;
    s_max[0][tx] = maximum;
  }
  __syncthreads();
  // Pass 2 re-reads the tile (from L1/L2): (x - K) - mean, as the CPU kernel, so the deviation
  // is not rounded at the scale of K.
  const double mean = s_mean[tx];
  double squares = 0;
  if (active) {
    for (size_t r = r0 + ty; r < r1; r += kRowsPerStep) {
      const double x = static_cast<double>(data[r * cols + c]);
      if (x == x) {
        const double d = (x - k) - mean;
        squares += d * d;
      }
    }
  }
  __syncthreads();
  s_sum[ty][tx] = squares;
  __syncthreads();
  if (ty == 0 && active) {
    for (int i = 1; i < kRowsPerStep; ++i) squares += s_sum[i][tx];
    const size_t at = (first_tile + blockIdx.x) * cols + c;
    const double n = s_count[0][tx];
    out.n[at] = n;
    out.mean[at] = mean;
    out.m2[at] = squares;
    out.nans[at] = static_cast<double>(r1 - r0) - n;
    out.min[at] = s_min[0][tx];
    out.max[at] = s_max[0][tx];
  }
}

// One block per column: each thread merges a contiguous range of tiles in order, then the
// threads' results are merged pairwise in a fixed tree.
__global__ void merge_tiles(Partials p, size_t tiles, size_t cols, const double* __restrict__ shift, ColumnStatsOut out) {
  __shared__ double s_n[kMergeThreads], s_mean[kMergeThreads], s_m2[kMergeThreads];
  __shared__ double s_nan[kMergeThreads], s_min[kMergeThreads], s_max[kMergeThreads];
  const size_t c = blockIdx.x;
  const int j = threadIdx.x;
  const size_t per = (tiles + kMergeThreads - 1) / kMergeThreads;
  double n = 0, mean = 0, m2 = 0, nans = 0, minimum = CUDART_INF, maximum = -CUDART_INF;
  for (size_t t = j * per; t < smin(tiles, (j + 1) * per); ++t) {
    const size_t at = t * cols + c;
    chan_merge(n, mean, m2, p.n[at], p.mean[at], p.m2[at]);
    nans += p.nans[at];
    minimum = p.min[at] < minimum ? p.min[at] : minimum;
    maximum = p.max[at] > maximum ? p.max[at] : maximum;
  }
  s_n[j] = n, s_mean[j] = mean, s_m2[j] = m2, s_nan[j] = nans, s_min[j] = minimum, s_max[j] = maximum;
  __syncthreads();
  for (int stride = 1; stride < kMergeThreads; stride *= 2) {
    if (j % (2 * stride) == 0 && j + stride < kMergeThreads) {
      const int o = j + stride;
      chan_merge(s_n[j], s_mean[j], s_m2[j], s_n[o], s_mean[o], s_m2[o]);
      s_nan[j] += s_nan[o];
      s_min[j] = s_min[o] < s_min[j] ? s_min[o] : s_min[j];
      s_max[j] = s_max[o] > s_max[j] ? s_max[o] : s_max[j];
    }
    __syncthreads();
  }
  if (j == 0) {
    const double total = s_n[0];
    const double nan = CUDART_NAN;
    out.count[c] = total;
    out.nan_count[c] = s_nan[0];
    out.mean[c] = total > 0 ? shift[c] + s_mean[0] : nan;
    out.std[c] = total > 0 ? sqrt(s_m2[0] / total) : nan;
    out.min[c] = total > 0 ? s_min[0] : nan;
    out.max[c] = total > 0 ? s_max[0] : nan;
  }
}

template <typename T>
void column_stats_impl(const T* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  Session s("columnStats");
  // Tiles: at most kMaxTiles per column, and the partials within kPartialBytes.
  const size_t max_tiles = std::max<size_t>(1, std::min(kMaxTiles, kPartialBytes / (6 * sizeof(double) * cols)));
  size_t tile_rows = (rows + max_tiles - 1) / max_tiles;
  tile_rows = std::max<size_t>(64, (tile_rows + 7) / 8 * 8);
  const size_t tiles = (rows + tile_rows - 1) / tile_rows;
  const size_t row_bytes = cols * sizeof(T);
  const size_t chunk_tiles = std::max<size_t>(1, kChunkBytes / (tile_rows * row_bytes));
  const size_t chunk_rows = std::min(rows, chunk_tiles * tile_rows);

  std::vector<double> shift(cols);
  column_shifts(data, rows, cols, shift.data());
  double* d_shift = s.alloc<double>(cols, "column shifts");
  const size_t partial_values = tiles * cols;
  double* d_partials = s.alloc<double>(6 * partial_values, "tile partials");
  Partials p{d_partials, d_partials + partial_values, d_partials + 2 * partial_values,
             d_partials + 3 * partial_values, d_partials + 4 * partial_values, d_partials + 5 * partial_values};
  double* d_out = s.alloc<double>(6 * cols, "results");
  T* d_chunk[kStreams];
  for (int i = 0; i < kStreams; ++i) d_chunk[i] = s.alloc<T>(chunk_rows * cols, "a row chunk");
  s.to_device(shift.data(), cols, d_shift, s.stream(0));
  s.sync(s.stream(0), "copying the shifts");

  const dim3 block(kLanes, kRowsPerStep);
  const unsigned col_groups = static_cast<unsigned>((cols + kLanes - 1) / kLanes);
  if (col_groups > 65535u) throw std::runtime_error("cuda columnStats: more than 2 097 120 columns");
  size_t chunk = 0;
  for (size_t r0 = 0; r0 < rows; r0 += chunk_rows, ++chunk) {
    const size_t nr = std::min(chunk_rows, rows - r0);
    cudaStream_t st = s.stream(static_cast<int>(chunk));
    T* buffer = d_chunk[chunk % kStreams];
    s.to_device(data + r0 * cols, nr * cols, buffer, st);
    const dim3 grid(static_cast<unsigned>((nr + tile_rows - 1) / tile_rows), col_groups);
    tile_stats<T><<<grid, block, 0, st>>>(buffer, nr, cols, tile_rows, d_shift, r0 / tile_rows, p);
    check_launch("columnStats", "tile_stats");
  }
  s.sync(s.stream(1), "computing tile statistics");
  ColumnStatsOut d{d_out, d_out + cols, d_out + 2 * cols, d_out + 3 * cols, d_out + 4 * cols, d_out + 5 * cols};
  merge_tiles<<<static_cast<unsigned>(cols), kMergeThreads, 0, s.stream(0)>>>(p, tiles, cols, d_shift, d);
  check_launch("columnStats", "merge_tiles");
  std::vector<double> host(6 * cols);
  s.to_host(d_out, 6 * cols, host.data(), s.stream(0));
  double* targets[6] = {out.count, out.nan_count, out.mean, out.std, out.min, out.max};
  for (size_t k = 0; k < 6; ++k) std::copy(host.begin() + k * cols, host.begin() + (k + 1) * cols, targets[k]);
}

}  // namespace

void column_stats(const float* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  column_stats_impl(data, rows, cols, out);
}

void column_stats(const double* data, size_t rows, size_t cols, const ColumnStatsOut& out) {
  column_stats_impl(data, rows, cols, out);
}

}  // namespace cuda
}  // namespace mlwatch
