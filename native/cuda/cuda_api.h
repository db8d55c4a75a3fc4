// The C++ facade over the CUDA sources. Plain C++ so the N-API glue never includes CUDA
// headers; cuda_stub.cc implements it when the addon is built without CUDA.
#pragma once

#include <string>
#include <vector>

namespace mlwatch {

struct CudaProbe {
  bool compiled = false;           // were the CUDA sources built into this addon?
  int device_count = 0;            // usable devices (0 when the driver or device is missing)
  std::string error;               // why there is no device, when device_count == 0
  std::vector<std::string> names;  // device names, e.g. "NVIDIA H100 80GB HBM3"
};

// Probes the CUDA runtime once and caches the answer; never throws.
const CudaProbe& cuda_probe();

}  // namespace mlwatch
