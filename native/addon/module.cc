// Module init: exports the CPU kernels at the top level and the CUDA kernels under `cuda` (in a
// build without CUDA they throw an error that says so). Exceptions thrown by argument checks and
// kernels become JS errors (node-addon-api is built with C++ exceptions, all of them caught).
#include <napi.h>

#include "addon/bindings.h"

namespace mlwatch_addon {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Object cuda = Napi::Object::New(env);
  AddColumnStats(env, exports, cuda);
  AddQuantiles(env, exports, cuda);
  AddSketchBins(env, exports, cuda);
  AddDense(env, exports, cuda);
  AddDrift(env, exports, cuda);
  AddCudaDevice(env, cuda);
  add(env, exports, "info", Info);
  exports.Set("cuda", cuda);
  return exports;
}

NODE_API_MODULE(mlwatch, Init)

}  // namespace mlwatch_addon
