// Module init: exports the CPU kernels at the top level and the CUDA kernels under `cuda` (in a
// build without CUDA they throw an error that says so). Exceptions thrown by argument checks and
// kernels become JS errors (node-addon-api is built with C++ exceptions, all of them caught).
#include <napi.h>

#include "addon/bindings.h"

namespace mlwatch_addon {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Object cuda = Napi::Object::New(env);
#define MLWATCH_ADD_GROUP(Group) Add##Group(env, exports, cuda);
  MLWATCH_BINDING_GROUPS(MLWATCH_ADD_GROUP)
#undef MLWATCH_ADD_GROUP
  AddCudaDevice(env, cuda);
  add(env, exports, "info", Info);
  exports.Set("cuda", cuda);
  return exports;
}

NODE_API_MODULE(mlwatch, Init)

}  // namespace mlwatch_addon
