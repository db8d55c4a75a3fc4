// Used when the addon is built without a CUDA compiler: reports "not compiled".
#include "cuda/cuda_api.h"

namespace mlwatch {

const CudaProbe& cuda_probe() {
  static const CudaProbe probe = [] {
    CudaProbe p;
    p.error = "the addon was built without CUDA (no CUDA compiler found, or MLWATCH_CUDA=OFF)";
    return p;
  }();
  return probe;
}

}  // namespace mlwatch
