// Twin of native/kernels/ecdf_distances.cc (the cpu backend) and src/backend/js/ecdf-distances.ts (the js backend).
// KS statistic and Wasserstein distance of pairs of sorted samples on the device, and the drift
// measurement that sorts current columns and compares them with a held reference without
// bringing the sorted columns back.
//
// The CPU kernel walks the merge of both samples; here every element works alone: the last
// element of each run of equal values finds, by binary search in the other sample, the counts
// i = #a <= x and j = #b <= x and the next pooled value. A value present in both samples is
// counted once (by the element of a). The difference |i/na - j/nb| is computed with the CPU's
// very divisions, so the KS maximum is bit-identical; the Wasserstein terms diff * (next - x) are
// summed by a fixed tree (deterministic, within 1e-12 relative of the CPU's compensated sum:
// every term is non-negative).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/device.h"
#include "cuda/device_sort.h"

namespace mlwatch {
namespace cuda {

namespace {

constexpr int kThreads = 256;
constexpr unsigned kMaxBlocksPerPair = 1024;
constexpr size_t kMaxPairsPerLaunch = 65535;

struct PairDesc {
  const double* a;
  size_t na;
  const double* b;
  size_t nb;
};

// First index in v[0, n) whose value is > x.
__device__ size_t upper_bound(const double* v, size_t n, double x) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (v[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Max of ks and sum of w over the block's threads, by a fixed tree (deterministic); thread 0 gets them.
__device__ void block_max_sum(double* s_ks, double* s_w, double& ks, double& w) {
  s_ks[threadIdx.x] = ks;
  s_w[threadIdx.x] = w;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) {
      s_ks[threadIdx.x] = fmax(s_ks[threadIdx.x], s_ks[threadIdx.x + stride]);
      s_w[threadIdx.x] += s_w[threadIdx.x + stride];
    }
    __syncthreads();
  }
  ks = s_ks[0];
  w = s_w[0];
}

__global__ void ecdf_blocks(const PairDesc* __restrict__ pairs, double* __restrict__ ks_part,
                            double* __restrict__ w_part) {
  __shared__ double s_ks[kThreads], s_w[kThreads];
  const PairDesc p = pairs[blockIdx.y];
  const size_t total = p.na + p.nb;
  const double fa = static_cast<double>(p.na), fb = static_cast<double>(p.nb);
  double ks = 0, w = 0;
  if (p.na > 0 && p.nb > 0) {
    for (size_t t = blockIdx.x * static_cast<size_t>(kThreads) + threadIdx.x; t < total;
         t += static_cast<size_t>(gridDim.x) * kThreads) {
      double x;
      size_t i, j;
      if (t < p.na) {
        if (t + 1 < p.na && p.a[t + 1] == p.a[t]) continue;  // not the last of its run
        x = p.a[t];
        i = t + 1;
        j = upper_bound(p.b, p.nb, x);
      } else {
        const size_t u = t - p.na;
        if (u + 1 < p.nb && p.b[u + 1] == p.b[u]) continue;
        x = p.b[u];
        j = u + 1;
        i = upper_bound(p.a, p.na, x);
        if (i > 0 && p.a[i - 1] == x) continue;  // also in a: counted there
      }
      const double next_a = i < p.na ? p.a[i] : CUDART_INF;
      const double next_b = j < p.nb ? p.b[j] : CUDART_INF;
      const double next = next_a <= next_b ? next_a : next_b;
      if (next == CUDART_INF) continue;  // the largest pooled value: both ECDFs are 1 there
      const double diff = fabs(static_cast<double>(i) / fa - static_cast<double>(j) / fb);
      ks = diff > ks ? diff : ks;
      w += diff * (next - x);
    }
  }
  block_max_sum(s_ks, s_w, ks, w);
  if (threadIdx.x == 0) {
    ks_part[blockIdx.y * gridDim.x + blockIdx.x] = ks;
    w_part[blockIdx.y * gridDim.x + blockIdx.x] = w;
  }
}

// One block per pair: the blocks' partial results, in a fixed order.
__global__ void ecdf_finish(const PairDesc* __restrict__ pairs, unsigned blocks, const double* __restrict__ ks_part,
                            const double* __restrict__ w_part, double* __restrict__ ks, double* __restrict__ w) {
  __shared__ double s_ks[kThreads], s_w[kThreads];
  const PairDesc p = pairs[blockIdx.x];
  double k = 0, sum = 0;
  for (unsigned b = threadIdx.x; b < blocks; b += kThreads) {
    k = fmax(k, ks_part[blockIdx.x * blocks + b]);
    sum += w_part[blockIdx.x * blocks + b];
  }
  block_max_sum(s_ks, s_w, k, sum);
  if (threadIdx.x == 0) {
    const bool empty = p.na == 0 || p.nb == 0;
    ks[blockIdx.x] = empty ? CUDART_NAN : k;
    w[blockIdx.x] = empty ? CUDART_NAN : sum;
  }
}

// Distances of pairs whose samples are already on the device; results to the host arrays.
void measure_pairs(Session& s, const std::vector<PairDesc>& pairs, double* ks, double* wasserstein) {
  cudaStream_t st = s.stream(0);
  for (size_t p0 = 0; p0 < pairs.size(); p0 += kMaxPairsPerLaunch) {
    Session::Scope scope(s);
    const size_t count = std::min(kMaxPairsPerLaunch, pairs.size() - p0);
    size_t longest = 1;
    for (size_t k = 0; k < count; ++k) longest = std::max(longest, pairs[p0 + k].na + pairs[p0 + k].nb);
    const unsigned blocks = std::min<unsigned>(kMaxBlocksPerPair, static_cast<unsigned>((longest + kThreads - 1) / kThreads));
    PairDesc* d_pairs = s.alloc<PairDesc>(count, "pair descriptors");
    double* d_part = s.alloc<double>(2 * count * blocks, "partial distances");
    double* d_out = s.alloc<double>(2 * count, "distances");
    check(cudaMemcpyAsync(d_pairs, pairs.data() + p0, count * sizeof(PairDesc), cudaMemcpyHostToDevice, st), s.call(),
          "copying pair descriptors");
    ecdf_blocks<<<dim3(blocks, static_cast<unsigned>(count)), kThreads, 0, st>>>(d_pairs, d_part, d_part + count * blocks);
    check_launch(s.call(), "ecdf_blocks");
    ecdf_finish<<<static_cast<unsigned>(count), kThreads, 0, st>>>(d_pairs, blocks, d_part, d_part + count * blocks, d_out,
                                                                    d_out + count);
    check_launch(s.call(), "ecdf_finish");
    std::vector<double> host(2 * count);
    s.to_host(d_out, 2 * count, host.data(), st);
    std::copy(host.begin(), host.begin() + count, ks + p0);
    std::copy(host.begin() + count, host.end(), wasserstein + p0);
  }
}

// The part [lo, hi) of an array that a set of windows touches.
struct Span {
  size_t lo, hi;
};
Span span_of(const double* start, const double* count, size_t pairs) {
  Span s{~size_t{0}, 0};
  for (size_t k = 0; k < pairs; ++k) {
    if (count[k] == 0) continue;
    s.lo = std::min(s.lo, static_cast<size_t>(start[k]));
    s.hi = std::max(s.hi, static_cast<size_t>(start[k] + count[k]));
  }
  if (s.hi == 0) s.lo = 0;
  return s;
}

template <typename T>
void sort_and_measure_impl(const T* data, size_t rows, size_t cols, size_t first_col, size_t col_count,
                           const HeldSamples* reference, const ReferencePairs& pairs, double* values, double* counts,
                           double* ks, double* wasserstein) {
  Session s("sortAndMeasure");
  const double* ref = held_values(reference);
  const size_t group = sortable_columns<T>(s, rows, col_count, 0);
  double* d_values = s.alloc<double>(rows * group, "sorted values");
  for (size_t g0 = 0; g0 < col_count; g0 += group) {
    const size_t width = std::min(group, col_count - g0);
    sort_on_device(s, data, rows, cols, first_col + g0, width, Keep::Finite, d_values, counts + g0);
    std::vector<PairDesc> descs;
    std::vector<size_t> which;
    for (size_t j = 0; j < pairs.count; ++j) {
      const size_t k = static_cast<size_t>(pairs.column[j]);
      if (k < g0 || k >= g0 + width) continue;
      descs.push_back({ref + static_cast<size_t>(pairs.a_start[j]), static_cast<size_t>(pairs.a_count[j]),
                       d_values + (k - g0) * rows, static_cast<size_t>(counts[k])});
      which.push_back(j);
    }
    if (!descs.empty()) {
      std::vector<double> gk(descs.size()), gw(descs.size());
      measure_pairs(s, descs, gk.data(), gw.data());
      for (size_t i = 0; i < which.size(); ++i) {
        ks[which[i]] = gk[i];
        wasserstein[which[i]] = gw[i];
      }
    }
    if (values) s.to_host(d_values, rows * width, values + g0 * rows, s.stream(0));
  }
}

}  // namespace

void ecdf_distances(const double* a, size_t na, const double* b, size_t nb, const WindowPairs& pairs, double* ks,
                    double* wasserstein) {
  (void)na;
  (void)nb;
  if (pairs.count == 0) return;
  Session s("ecdfDistances");
  // Only the part of each array that some window reads goes to the device.
  const Span sa = span_of(pairs.a_start, pairs.a_count, pairs.count);
  const Span sb = span_of(pairs.b_start, pairs.b_count, pairs.count);
  double* d_a = s.alloc<double>(sa.hi - sa.lo, "sample a");
  double* d_b = s.alloc<double>(sb.hi - sb.lo, "sample b");
  s.to_device(a + sa.lo, sa.hi - sa.lo, d_a, s.stream(0));
  s.to_device(b + sb.lo, sb.hi - sb.lo, d_b, s.stream(0));
  std::vector<PairDesc> descs(pairs.count);
  for (size_t k = 0; k < pairs.count; ++k) {
    const size_t an = static_cast<size_t>(pairs.a_count[k]), bn = static_cast<size_t>(pairs.b_count[k]);
    descs[k] = {an ? d_a + (static_cast<size_t>(pairs.a_start[k]) - sa.lo) : d_a, an,
                bn ? d_b + (static_cast<size_t>(pairs.b_start[k]) - sb.lo) : d_b, bn};
  }
  measure_pairs(s, descs, ks, wasserstein);
}

void sort_and_measure(const float* data, size_t rows, size_t cols, size_t first_col, size_t col_count,
                      const HeldSamples* reference, const ReferencePairs& pairs, double* values, double* counts,
                      double* ks, double* wasserstein) {
  sort_and_measure_impl(data, rows, cols, first_col, col_count, reference, pairs, values, counts, ks, wasserstein);
}

void sort_and_measure(const double* data, size_t rows, size_t cols, size_t first_col, size_t col_count,
                      const HeldSamples* reference, const ReferencePairs& pairs, double* values, double* counts,
                      double* ks, double* wasserstein) {
  sort_and_measure_impl(data, rows, cols, first_col, col_count, reference, pairs, values, counts, ks, wasserstein);
}

}  // namespace cuda
}  // namespace mlwatch
