// The two sets of kernels the addon exports under the same names: the CPU kernels
// (native/kernels) at the top level and the CUDA kernels (native/cuda, through its plain C++
// facade) under `cuda`. Each binding is written once, as a template over the set.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cuda/cuda_api.h"
#include "kernels/column_stats.h"
#include "kernels/dense.h"
#include "kernels/quantiles.h"
#include "kernels/sketch_bins.h"
#include "kernels/sort_columns.h"

namespace mlwatch_addon {

struct CpuKernels {
  static constexpr bool kCuda = false;
  template <typename T>
  static void column_stats(const T* d, size_t rows, size_t cols, const mlwatch::ColumnStatsOut& o) {
    mlwatch::column_stats(d, rows, cols, o);
  }
  template <typename T>
  static void sort_columns(const T* d, size_t rows, size_t cols, size_t first, size_t count, double* out, double* counts) {
    mlwatch::sort_columns(d, rows, cols, first, count, out, counts);
  }
  template <typename T>
  static void quantiles(const T* v, size_t n, const double* q, size_t nq, double* out) {
    mlwatch::quantiles(v, n, q, nq, out);
  }
  template <typename T>
  static mlwatch::SketchBins sketch_bins(const T* v, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
    return mlwatch::sketch_bins(v, n, multiplier, min_indexable, max_buckets);
  }
  static void dense_forward(const float* x, size_t rows, size_t n_in, const float* w, const float* b, size_t n_out,
                            mlwatch::Activation act, float* out) {
    mlwatch::dense_forward(x, rows, n_in, w, b, n_out, act, out);
  }
  static void argmax_rows(const float* p, size_t rows, size_t cols, int32_t* labels, float* confidence) {
    mlwatch::argmax_rows(p, rows, cols, labels, confidence);
  }
};

struct CudaKernels {
  static constexpr bool kCuda = true;
  template <typename T>
  static void column_stats(const T* d, size_t rows, size_t cols, const mlwatch::ColumnStatsOut& o) {
    mlwatch::cuda::column_stats(d, rows, cols, o);
  }
  template <typename T>
  static void sort_columns(const T* d, size_t rows, size_t cols, size_t first, size_t count, double* out, double* counts) {
    mlwatch::cuda::sort_columns(d, rows, cols, first, count, out, counts);
  }
  template <typename T>
  static void quantiles(const T* v, size_t n, const double* q, size_t nq, double* out) {
    mlwatch::cuda::quantiles(v, n, q, nq, out);
  }
  template <typename T>
  static mlwatch::SketchBins sketch_bins(const T* v, size_t n, double multiplier, double min_indexable, size_t max_buckets) {
    return mlwatch::cuda::sketch_bins(v, n, multiplier, min_indexable, max_buckets);
  }
  static void dense_forward(const float* x, size_t rows, size_t n_in, const float* w, const float* b, size_t n_out,
                            mlwatch::Activation act, float* out) {
    mlwatch::cuda::dense_forward(x, rows, n_in, w, b, n_out, act, out);
  }
  static void argmax_rows(const float* p, size_t rows, size_t cols, int32_t* labels, float* confidence) {
    mlwatch::cuda::argmax_rows(p, rows, cols, labels, confidence);
  }
};

}  // namespace mlwatch_addon
