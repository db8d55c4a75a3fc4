// Twin of native/kernels/quantiles.cc (the cpu backend) and src/backend/js/quantiles.ts (the js backend).
// Exact quantiles on the device: the values are radix-sorted (NaN dropped and counted), the
// needed order statistics are gathered, and the host interpolates them with NumPy's lerp, the
// same function the CPU kernel uses, so results are bit-identical to it.
#include <algorithm>
#include <limits>
#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/device.h"
#include "cuda/device_sort.h"
#include "kernels/quantiles.h"

namespace mlwatch {
namespace cuda {

namespace {

__global__ void gather_ranks(const double* __restrict__ sorted, const size_t* __restrict__ ranks, size_t count,
                             double* __restrict__ out) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i < count) out[i] = sorted[ranks[i]];
}

template <typename T>
void quantiles_impl(const T* values, size_t n, const double* q, size_t nq, double* out) {
  if (nq == 0) return;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) {
    std::fill(out, out + nq, nan);
    return;
  }
  Session s("quantiles");
  cudaStream_t st = s.stream(0);
  sortable_columns<T>(s, n, 1, 0);  // throws a clear error when the sample cannot fit
  double* d_sorted = s.alloc<double>(n, "sorted values");
  double kept = 0;
  sort_on_device(s, values, n, 1, 0, 1, Keep::NotNan, d_sorted, &kept);
  if (kept < static_cast<double>(n)) {  // a NaN in the sample: every result is NaN, as numpy.quantile
    std::fill(out, out + nq, nan);
    return;
  }
  std::vector<LinearRanks> at(nq);
  std::vector<size_t> ranks(2 * nq);
  for (size_t i = 0; i < nq; ++i) {
    at[i] = linear_ranks(n, q[i]);
    ranks[2 * i] = at[i].lo;
    ranks[2 * i + 1] = at[i].hi;
  }
  size_t* d_ranks = s.alloc<size_t>(2 * nq, "ranks");
  double* d_picked = s.alloc<double>(2 * nq, "order statistics");
  check(cudaMemcpyAsync(d_ranks, ranks.data(), ranks.size() * sizeof(size_t), cudaMemcpyHostToDevice, st), s.call(),
        "copying ranks");
  gather_ranks<<<grid_for(2 * nq, 256), 256, 0, st>>>(d_sorted, d_ranks, 2 * nq, d_picked);
  check_launch(s.call(), "gather_ranks");
  std::vector<double> picked(2 * nq);
  s.to_host(d_picked, 2 * nq, picked.data(), st);
  // The sorted values are exact images of the inputs, so T(value) restores them.
  for (size_t i = 0; i < nq; ++i)
    out[i] = numpy_lerp(static_cast<T>(picked[2 * i]), static_cast<T>(picked[2 * i + 1]), at[i].gamma);
}

}  // namespace

void quantiles(const float* values, size_t n, const double* q, size_t nq, double* out) {
  quantiles_impl(values, n, q, nq, out);
}

void quantiles(const double* values, size_t n, const double* q, size_t nq, double* out) {
  quantiles_impl(values, n, q, nq, out);
}

}  // namespace cuda
}  // namespace mlwatch
