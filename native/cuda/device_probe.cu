// Counts CUDA devices. On a machine without a driver cudaGetDeviceCount returns an error
// (35, insufficient driver): that is reported, never thrown, so the addon always loads.
#include <cuda_runtime.h>

#include <string>

#include "cuda/cuda_api.h"

namespace mlwatch {

const CudaProbe& cuda_probe() {
  static const CudaProbe probe = [] {
    CudaProbe p;
    p.compiled = true;
    int count = 0;
    cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
      p.error = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorString(status) + " (error " +
                std::to_string(static_cast<int>(status)) + ")";
      cudaGetLastError();  // clear the sticky error state
      return p;
    }
    if (count == 0) {
      p.error = "no CUDA device found";
      return p;
    }
    p.device_count = count;
    for (int i = 0; i < count; ++i) {
      cudaDeviceProp prop;
      if (cudaGetDeviceProperties(&prop, i) == cudaSuccess) p.names.emplace_back(prop.name);
    }
    return p;
  }();
  return probe;
}

}  // namespace mlwatch
