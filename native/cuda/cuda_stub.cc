// Used when the addon is built without a CUDA compiler: reports "not compiled", and every
// kernel of the facade throws an error that says so.
#include <stdexcept>

#include "cuda/cuda_api.h"

namespace mlwatch {

namespace {
constexpr const char* kNotCompiled = "the addon was built without CUDA (no CUDA compiler found, or MLWATCH_CUDA=OFF)";
[[noreturn]] void not_compiled(const char* call) { throw std::runtime_error(std::string("cuda ") + call + ": " + kNotCompiled); }
}  // namespace

const CudaProbe& cuda_probe() {
  static const CudaProbe probe = [] {
    CudaProbe p;
    p.error = kNotCompiled;
    return p;
  }();
  return probe;
}

namespace cuda {

void column_stats(const float*, size_t, size_t, const ColumnStatsOut&) { not_compiled("columnStats"); }
void column_stats(const double*, size_t, size_t, const ColumnStatsOut&) { not_compiled("columnStats"); }
void sort_columns(const float*, size_t, size_t, size_t, size_t, double*, double*) { not_compiled("sortColumns"); }
void sort_columns(const double*, size_t, size_t, size_t, size_t, double*, double*) { not_compiled("sortColumns"); }
void ecdf_distances(const double*, size_t, const double*, size_t, const WindowPairs&, double*, double*) {
  not_compiled("ecdfDistances");
}
void quantiles(const float*, size_t, const double*, size_t, double*) { not_compiled("quantiles"); }
void quantiles(const double*, size_t, const double*, size_t, double*) { not_compiled("quantiles"); }
SketchBins sketch_bins(const float*, size_t, double, double, size_t) { not_compiled("sketchBins"); }
SketchBins sketch_bins(const double*, size_t, double, double, size_t) { not_compiled("sketchBins"); }
void dense_forward(const float*, size_t, size_t, const float*, const float*, size_t, Activation, float*) {
  not_compiled("denseForward");
}
void argmax_rows(const float*, size_t, size_t, int32_t*, float*) { not_compiled("argmaxRows"); }
void dense_stack_forward(const float*, size_t, const LayerView*, size_t, float*) { not_compiled("denseStackForward"); }
void dense_stack_forward(const double*, size_t, const LayerView*, size_t, float*) { not_compiled("denseStackForward"); }
HeldSamples* hold_samples(const double*, size_t) { not_compiled("holdSamples"); }
void release_samples(HeldSamples*) {}
size_t held_length(const HeldSamples*) { return 0; }
void sort_and_measure(const float*, size_t, size_t, size_t, size_t, const HeldSamples*, const ReferencePairs&, double*,
                      double*, double*, double*) {
  not_compiled("sortAndMeasure");
}
void sort_and_measure(const double*, size_t, size_t, size_t, size_t, const HeldSamples*, const ReferencePairs&, double*,
                      double*, double*, double*) {
  not_compiled("sortAndMeasure");
}
TransferRates measure_transfers(size_t) { not_compiled("measureTransfers"); }
double dense_kernel_rate(size_t, size_t, size_t, Activation) { not_compiled("denseKernelRate"); }
void memory_info(size_t* free_bytes, size_t* total_bytes) { *free_bytes = *total_bytes = 0; }

}  // namespace cuda
}  // namespace mlwatch
