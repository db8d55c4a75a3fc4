// Twin of native/kernels/sketch_bins.cc (the cpu backend) and src/backend/js/sketch-bins.ts (the js backend).
// The batch insertion of the logarithmic quantile sketch on the device: one pass computes every
// value's key and the batch's counts, sum and extremes (per block, merged on the host in block
// order, so the sum is deterministic), a second counts the keys into a dense histogram with
// integer atomics (exact). Keys come from the device's log, which may put a value within one ulp
// of a bucket boundary in the neighbouring bucket (as the contract allows).
#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/device.h"

namespace mlwatch {
namespace cuda {

namespace {

constexpr int kThreads = 256;
constexpr unsigned kMaxBlocks = 1024;
constexpr int32_t kNoKey = INT32_MIN;

struct BlockPartial {
  double valid, invalid, zero, sum, min, max;
  long long first_invalid;  // LLONG_MAX when none
  int min_key, max_key;
};

template <typename T>
__global__ void key_pass(const T* __restrict__ values, size_t n, double multiplier, double min_indexable,
                         int32_t* __restrict__ keys, BlockPartial* __restrict__ partials) {
  __shared__ BlockPartial s[kThreads];
  BlockPartial p{0, 0, 0, 0, CUDART_INF, -CUDART_INF, LLONG_MAX, INT_MAX, INT_MIN};
  for (size_t i = blockIdx.x * static_cast<size_t>(kThreads) + threadIdx.x; i < n; i += static_cast<size_t>(gridDim.x) * kThreads) {
    const double x = static_cast<double>(values[i]);
    int32_t key = kNoKey;
    if (!(x >= 0.0 && x < CUDART_INF)) {
      p.invalid += 1;
      p.first_invalid = min(p.first_invalid, static_cast<long long>(i));
    } else {
      p.valid += 1;
      p.sum += x;
      p.min = fmin(p.min, x);
      p.max = fmax(p.max, x);
      if (x <= min_indexable) {
        p.zero += 1;
      } else {
        const double k = ceil(log(x) * multiplier);
        key = static_cast<int32_t>(fmax(-2.0e9, fmin(2.0e9, k)));
        p.min_key = min(p.min_key, key);
        p.max_key = max(p.max_key, key);
      }
    }
    keys[i] = key;
  }
  s[threadIdx.x] = p;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) {
      BlockPartial& a = s[threadIdx.x];
      const BlockPartial& b = s[threadIdx.x + stride];
      a.valid += b.valid;
      a.invalid += b.invalid;
      a.zero += b.zero;
      a.sum += b.sum;
      a.min = fmin(a.min, b.min);
      a.max = fmax(a.max, b.max);
      a.first_invalid = min(a.first_invalid, b.first_invalid);
      a.min_key = min(a.min_key, b.min_key);
      a.max_key = max(a.max_key, b.max_key);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) partials[blockIdx.x] = s[0];
}

// Keys below min_key count in the lowest bucket.
__global__ void count_keys(const int32_t* __restrict__ keys, size_t n, int64_t min_key,
                           unsigned long long* __restrict__ counts) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const int32_t k = keys[i];
    if (k != kNoKey) atomicAdd(&counts[max(static_cast<int64_t>(k), min_key) - min_key], 1ull);
  }
}

template <typename T>
SketchBins sketch_bins_impl(const T* values, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
  SketchBins out;
  if (n == 0) return out;
  Session s("sketchBins");
  cudaStream_t st = s.stream(0);
  T* d_values = s.alloc<T>(n, "values");
  int32_t* d_keys = s.alloc<int32_t>(n, "keys");
  const unsigned blocks = grid_for(n, kThreads, kMaxBlocks);
  BlockPartial* d_partials = s.alloc<BlockPartial>(blocks, "block partials");
  s.to_device(values, n, d_values, st);
  key_pass<T><<<blocks, kThreads, 0, st>>>(d_values, n, multiplier, min_indexable, d_keys, d_partials);
  check_launch(s.call(), "key_pass");
  std::vector<BlockPartial> parts(blocks);
  check(cudaMemcpyAsync(parts.data(), d_partials, blocks * sizeof(BlockPartial), cudaMemcpyDeviceToHost, st), s.call(),
        "copying block partials");
  s.sync(st, "computing keys");
  double smallest = std::numeric_limits<double>::infinity(), largest = -smallest;
  long long first_invalid = LLONG_MAX;
  int lo = INT_MAX, hi = INT_MIN;
  for (const BlockPartial& p : parts) {  // block order: a deterministic sum
    out.valid_count += p.valid;
    out.invalid_count += p.invalid;
    out.zero_count += p.zero;
    out.sum += p.sum;
    smallest = std::min(smallest, p.min);
    largest = std::max(largest, p.max);
    first_invalid = std::min(first_invalid, p.first_invalid);
    lo = std::min(lo, p.min_key);
    hi = std::max(hi, p.max_key);
  }
  out.first_invalid = first_invalid == LLONG_MAX ? -1 : first_invalid;
  out.min = out.valid_count > 0 ? smallest : 0.0;
  out.max = out.valid_count > 0 ? largest : 0.0;
  if (lo > hi) return out;
  const int64_t low = lowest_kept_key(lo, hi, max_buckets);
  const int64_t buckets = static_cast<int64_t>(hi) - low + 1;
  unsigned long long* d_counts = s.alloc<unsigned long long>(static_cast<size_t>(buckets), "bucket counts");
  check(cudaMemsetAsync(d_counts, 0, static_cast<size_t>(buckets) * sizeof(unsigned long long), st), s.call(),
        "clearing bucket counts");
  count_keys<<<grid_for(n, kThreads, kMaxBlocks * 4), kThreads, 0, st>>>(d_keys, n, low, d_counts);
  check_launch(s.call(), "count_keys");
  std::vector<unsigned long long> counts(static_cast<size_t>(buckets));
  s.to_host(d_counts, counts.size(), counts.data(), st);
  out.min_key = low;
  out.counts.assign(counts.begin(), counts.end());
  return out;
}

}  // namespace

SketchBins sketch_bins(const float* values, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
  return sketch_bins_impl(values, n, multiplier, min_indexable, max_buckets);
}

SketchBins sketch_bins(const double* values, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
  return sketch_bins_impl(values, n, multiplier, min_indexable, max_buckets);
}

}  // namespace cuda
}  // namespace mlwatch
