// Twin of native/kernels/sort_columns.cc (the cpu backend) and src/backend/js/sort-columns.ts (the js backend).
// Column sorting on the device with CUB's radix sorts, on the CPU kernel's order-preserving
// integer images of the floats (native/kernels/sort_columns.cc), so the sorted output is
// bit-identical to it.
//
// The needed columns of each row chunk are staged up as a dense chunk, then a tiled transpose
// turns them into one key array per column (values that are dropped become the largest key, so
// they sort to the end) and counts the kept values. Large columns are sorted one by one with
// DeviceRadixSort (each sort fills the device); many small columns in one DeviceSegmentedSort.
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_segmented_sort.cuh>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/device.h"
#include "cuda/device_sort.h"
#include "kernels/float_keys.h"

namespace mlwatch {
namespace cuda {

namespace {

constexpr size_t kChunkBytes = size_t{64} << 20;
// From this many values per column, one DeviceRadixSort per column beats one segmented sort.
constexpr size_t kPerColumnSortRows = 16384;
constexpr int kTile = 32;
constexpr int kTileRowsPerStep = 8;

template <typename Key>
__host__ __device__ constexpr Key dropped_key() { return ~Key{0}; }

// A 32 x 32 tile of a dense row-major chunk (nr x width) goes through shared memory so that both
// the reads (along rows) and the writes (along columns) are coalesced.
template <typename T, typename Key = typename FloatKey<T>::type>
__global__ void gather_keys(const T* __restrict__ chunk, size_t nr, size_t width, size_t rows, size_t r0,
                            bool keep_infinite, Key* __restrict__ keys, unsigned long long* __restrict__ kept) {
  __shared__ Key tile[kTile][kTile + 1];
  const size_t row0 = static_cast<size_t>(blockIdx.x) * kTile;
  const size_t col0 = static_cast<size_t>(blockIdx.y) * kTile;
  for (int i = threadIdx.y; i < kTile; i += kTileRowsPerStep) {
    const size_t r = row0 + i, c = col0 + threadIdx.x;
    Key key = dropped_key<Key>();
    if (r < nr && c < width) {
      const T x = chunk[r * width + c];
      const bool kept_value = keep_infinite ? !isnan(x) : isfinite(x);
      if (kept_value) key = to_key(x);
    }
    tile[i][threadIdx.x] = key;
  }
  __syncthreads();
  for (int i = threadIdx.y; i < kTile; i += kTileRowsPerStep) {
    const size_t c = col0 + i, r = row0 + threadIdx.x;
    const bool inside = c < width && r < nr;
    const Key key = tile[threadIdx.x][i];
    if (inside) keys[c * rows + r0 + r] = key;
    // A warp is the 32 lanes of one threadIdx.y: they share column c.
    const unsigned ballot = __ballot_sync(0xffffffffu, inside && key != dropped_key<Key>());
    if (threadIdx.x == 0 && c < width && ballot != 0) atomicAdd(&kept[c], static_cast<unsigned long long>(__popc(ballot)));
  }
}

template <typename T, typename Key = typename FloatKey<T>::type>
__global__ void keys_to_values(const Key* __restrict__ keys, size_t rows, size_t width,
                               const unsigned long long* __restrict__ kept, double* __restrict__ values) {
  const size_t total = rows * width;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const size_t k = i / rows, r = i - k * rows;
    values[i] = r < kept[k] ? static_cast<double>(from_key<T>(keys[i])) : CUDART_NAN;
  }
}

}  // namespace

template <typename T>
size_t sortable_columns(Session& s, size_t rows, size_t width, size_t extra_per_column) {
  using Key = typename FloatKey<T>::type;
  // Two key buffers, the float64 output, CUB's scratch (a fraction of the keys), what the caller
  // keeps per column; two staging chunks besides.
  const size_t per_column = rows * (2 * sizeof(Key) + sizeof(double)) + rows * sizeof(Key) / 4 + extra_per_column + 4096;
  const size_t fixed = 2 * kChunkBytes + (size_t{64} << 20);
  const size_t free_now = s.free_bytes();
  const size_t usable = free_now > fixed ? (free_now - fixed) / 10 * 9 : 0;
  if (usable < per_column)
    throw std::runtime_error(std::string("cuda ") + s.call() + ": one column of " + std::to_string(rows) +
                             " values needs " + bytes_text(per_column + fixed) + " of device memory but " +
                             bytes_text(free_now) + " is free");
  return std::max<size_t>(1, std::min(width, usable / per_column));
}

template <typename T>
void sort_on_device(Session& s, const T* data, size_t rows, size_t cols, size_t first, size_t width, Keep keep,
                    double* d_values, double* counts) {
  using Key = typename FloatKey<T>::type;
  const char* call = s.call();
  Session::Scope scope(s);
  Key* keys = s.alloc<Key>(rows * width, "sort keys");
  Key* alt = s.alloc<Key>(rows * width, "sort keys (second buffer)");
  unsigned long long* kept = s.alloc<unsigned long long>(width, "kept counts");
  check(cudaMemsetAsync(kept, 0, width * sizeof(unsigned long long), s.stream(0)), call, "clearing counts");
  s.sync(s.stream(0), "clearing counts");

  // 1. Staging and keys, a row chunk at a time on alternating streams.
  const size_t row_bytes = width * sizeof(T);
  const size_t chunk_rows = std::min(rows, std::max<size_t>(kTile, kChunkBytes / row_bytes / kTile * kTile));
  T* chunk[kStreams];
  for (int i = 0; i < kStreams; ++i) chunk[i] = s.alloc<T>(chunk_rows * width, "a staged row chunk");
  if ((width + kTile - 1) / kTile > 65535) throw std::runtime_error(std::string("cuda ") + call + ": too many columns in one call");
  size_t n_chunk = 0;
  for (size_t r0 = 0; r0 < rows; r0 += chunk_rows, ++n_chunk) {
    const size_t nr = std::min(chunk_rows, rows - r0);
    cudaStream_t st = s.stream(static_cast<int>(n_chunk));
    T* buffer = chunk[n_chunk % kStreams];
    s.rows_to_device(data + r0 * cols, nr, cols, first, width, buffer, st);
    const dim3 grid(static_cast<unsigned>((nr + kTile - 1) / kTile), static_cast<unsigned>((width + kTile - 1) / kTile));
    gather_keys<T><<<grid, dim3(kTile, kTileRowsPerStep), 0, st>>>(buffer, nr, width, rows, r0, keep == Keep::NotNan, keys, kept);
    check_launch(call, "gather_keys");
  }
  s.sync(s.stream(1), "making sort keys");
  s.sync(s.stream(0), "making sort keys");
  cudaStream_t st = s.stream(0);

  // 2. Sorting.
  const int bits = static_cast<int>(8 * sizeof(Key));
  if (rows >= kPerColumnSortRows || width == 1) {
    size_t temp_bytes = 0;
    cub::DoubleBuffer<Key> probe(keys, alt);
    check(cub::DeviceRadixSort::SortKeys(nullptr, temp_bytes, probe, static_cast<int64_t>(rows), 0, bits, st), call,
          "sizing the radix sort");
    void* temp = s.alloc_bytes(temp_bytes, "radix sort scratch");
    for (size_t k = 0; k < width; ++k) {
      cub::DoubleBuffer<Key> buffers(keys + k * rows, alt + k * rows);
      check(cub::DeviceRadixSort::SortKeys(temp, temp_bytes, buffers, static_cast<int64_t>(rows), 0, bits, st), call,
            "radix sort");
      if (buffers.Current() != keys + k * rows)
        check(cudaMemcpyAsync(keys + k * rows, buffers.Current(), rows * sizeof(Key), cudaMemcpyDeviceToDevice, st), call,
              "moving sorted keys");
    }
  } else {
    std::vector<int64_t> offsets(width + 1);
    for (size_t k = 0; k <= width; ++k) offsets[k] = static_cast<int64_t>(k * rows);
    int64_t* d_offsets = s.alloc<int64_t>(width + 1, "segment offsets");
    check(cudaMemcpyAsync(d_offsets, offsets.data(), (width + 1) * sizeof(int64_t), cudaMemcpyHostToDevice, st), call,
          "copying segment offsets");
    s.sync(st, "copying segment offsets");
    // Keys in, sorted keys out (into alt), then back: CUB keeps its own second buffer in the scratch.
    size_t temp_bytes = 0;
    const int64_t items = static_cast<int64_t>(rows * width);
    const int64_t segments = static_cast<int64_t>(width);
    check(cub::DeviceSegmentedSort::SortKeys(nullptr, temp_bytes, keys, alt, items, segments, d_offsets, d_offsets + 1, st),
          call, "sizing the segmented sort");
    void* temp = s.alloc_bytes(temp_bytes, "segmented sort scratch");
    check(cub::DeviceSegmentedSort::SortKeys(temp, temp_bytes, keys, alt, items, segments, d_offsets, d_offsets + 1, st),
          call, "segmented sort");
    check(cudaMemcpyAsync(keys, alt, rows * width * sizeof(Key), cudaMemcpyDeviceToDevice, st), call, "moving sorted keys");
  }
  check_launch(call, "the sort");

  // 3. Back to float64 values; counts to the host.
  keys_to_values<T><<<grid_for(rows * width, 256), 256, 0, st>>>(keys, rows, width, kept, d_values);
  check_launch(call, "keys_to_values");
  std::vector<unsigned long long> host_kept(width);
  s.to_host(kept, width, host_kept.data(), st);
  for (size_t k = 0; k < width; ++k) counts[k] = static_cast<double>(host_kept[k]);
}

template void sort_on_device<float>(Session&, const float*, size_t, size_t, size_t, size_t, Keep, double*, double*);
template void sort_on_device<double>(Session&, const double*, size_t, size_t, size_t, size_t, Keep, double*, double*);
template size_t sortable_columns<float>(Session&, size_t, size_t, size_t);
template size_t sortable_columns<double>(Session&, size_t, size_t, size_t);

namespace {

template <typename T>
void sort_columns_impl(const T* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                       double* counts) {
  Session s("sortColumns");
  const size_t group = sortable_columns<T>(s, rows, col_count, 0);
  double* d_values = s.alloc<double>(rows * group, "sorted values");
  for (size_t g0 = 0; g0 < col_count; g0 += group) {
    const size_t width = std::min(group, col_count - g0);
    sort_on_device(s, data, rows, cols, first_col + g0, width, Keep::Finite, d_values, counts + g0);
    s.to_host(d_values, rows * width, out + g0 * rows, s.stream(0));
  }
}

}  // namespace

void sort_columns(const float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts) {
  sort_columns_impl(data, rows, cols, first_col, col_count, out, counts);
}

void sort_columns(const double* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts) {
  sort_columns_impl(data, rows, cols, first_col, col_count, out, counts);
}

}  // namespace cuda
}  // namespace mlwatch
