// The C++ facade over the CUDA sources. Plain C++ so the N-API glue never includes CUDA
// headers; cuda_stub.cc implements it when the addon is built without CUDA.
//
// The functions in mlwatch::cuda have the contracts of their CPU twins in native/kernels (same
// names, same semantics, host memory in and out): they move the data to the device through
// pinned staging buffers, compute there and bring the results back. Every call is serialised on
// one device lock, so calls from several threads (the addon's async workers) are safe. Errors
// (no device, out of memory, a failed launch) are thrown as std::runtime_error with a message
// that names the call, the step, the bytes asked for and free, and the CUDA error string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/column_stats.h"
#include "kernels/dense.h"
#include "kernels/sketch_bins.h"

namespace mlwatch {

struct CudaProbe {
  bool compiled = false;           // were the CUDA sources built into this addon?
  int device_count = 0;            // usable devices (0 when the driver or device is missing)
  std::string error;               // why there is no device, when device_count == 0
  std::vector<std::string> names;  // device names, e.g. "NVIDIA H100 80GB HBM3"
};

// Probes the CUDA runtime once and caches the answer; never throws.
const CudaProbe& cuda_probe();

namespace cuda {

void column_stats(const float* data, size_t rows, size_t cols, const ColumnStatsOut& out);
void column_stats(const double* data, size_t rows, size_t cols, const ColumnStatsOut& out);

void sort_columns(const float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts);
void sort_columns(const double* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts);

// Windows of two sorted arrays, as the addon's ecdfDistances takes them: pair k compares
// a[a_start[k], + a_count[k]) with b[b_start[k], + b_count[k]) (windows already checked).
struct WindowPairs {
  const double* a_start;
  const double* a_count;
  const double* b_start;
  const double* b_count;
  size_t count;
};
void ecdf_distances(const double* a, size_t na, const double* b, size_t nb, const WindowPairs& pairs, double* ks,
                    double* wasserstein);

void quantiles(const float* values, size_t n, const double* q, size_t nq, double* out);
void quantiles(const double* values, size_t n, const double* q, size_t nq, double* out);

SketchBins sketch_bins(const float* values, size_t n, double multiplier, double min_indexable, size_t max_buckets);
SketchBins sketch_bins(const double* values, size_t n, double multiplier, double min_indexable, size_t max_buckets);

void dense_forward(const float* x, size_t rows, size_t n_in, const float* w, const float* b, size_t n_out,
                   Activation act, float* out);
void argmax_rows(const float* p, size_t rows, size_t cols, int32_t* labels, float* confidence);

// A whole stack of dense layers; intermediate results stay on the device. x is rows x
// layers[0].n_in (float32, or float64 converted while staged), out rows x layers.back().n_out.
struct LayerView {
  const float* w;
  const float* b;
  size_t n_in, n_out;
  Activation act;
};
void dense_stack_forward(const float* x, size_t rows, const LayerView* layers, size_t count, float* out);
void dense_stack_forward(const double* x, size_t rows, const LayerView* layers, size_t count, float* out);

// Sorted samples kept in device memory for repeated comparisons (a drift reference).
struct HeldSamples;
HeldSamples* hold_samples(const double* values, size_t n);
// Safe from any thread and without the device lock: the memory is freed by the next call.
void release_samples(HeldSamples* held);
size_t held_length(const HeldSamples* held);

// sort_columns of a column range, then the ECDF distances of pairs: pair j compares the held
// reference window [a_start[j], + a_count[j]) with sorted column column[j] (0-based within the
// range). values (rows * col_count) receives the sorted columns when not null; counts always.
struct ReferencePairs {
  const double* a_start;
  const double* a_count;
  const double* column;
  size_t count;
};
void sort_and_measure(const float* data, size_t rows, size_t cols, size_t first_col, size_t col_count,
                      const HeldSamples* reference, const ReferencePairs& pairs, double* values, double* counts,
                      double* ks, double* wasserstein);
void sort_and_measure(const double* data, size_t rows, size_t cols, size_t first_col, size_t col_count,
                      const HeldSamples* reference, const ReferencePairs& pairs, double* values, double* counts,
                      double* ks, double* wasserstein);

// Host-to-device rates for `bytes` of ordinary (pageable) host memory, in GB/s: a plain
// cudaMemcpy from it, from pinned memory, through the staging pipeline the kernels use, and
// through cudaHostRegister (the registration's cost included). For the benchmark suite.
struct TransferRates {
  double pageable, pinned, staged, registered, device_to_host_staged;
};
TransferRates measure_transfers(size_t bytes);

// The GEMM + bias + activation kernels alone on device-resident data (rows x n_in @ n_in x
// n_out): GFLOP/s, the median of 10 timed launches. For the benchmark suite.
double dense_kernel_rate(size_t rows, size_t n_in, size_t n_out, Activation act);

// Free and total device memory in bytes (0, 0 without a device); never throws.
void memory_info(size_t* free_bytes, size_t* total_bytes);

}  // namespace cuda
}  // namespace mlwatch
