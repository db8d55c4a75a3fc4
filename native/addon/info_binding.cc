// info(): what this build and this machine offer (SIMD level, threads, CUDA).
#include <napi.h>

#include "addon/bindings.h"
#include "cuda/cuda_api.h"
#include "kernels/column_stats.h"
#include "kernels/cpu_features.h"
#include "kernels/dense.h"
#include "kernels/thread_pool.h"

namespace mlwatch_addon {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("simd", mlwatch::simd_level_name(mlwatch::simd_level()));
  result.Set("threads", mlwatch::thread_count());
  // The SIMD path of each kernel that has more than one (each chosen once, by simd_level()).
  Napi::Object kernels = Napi::Object::New(env);
  kernels.Set("columnStats", mlwatch::column_stats_path());
  kernels.Set("denseForward", mlwatch::dense_path());
  result.Set("kernels", kernels);

  const mlwatch::CudaProbe& probe = mlwatch::cuda_probe();
  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("compiled", probe.compiled);
  cuda.Set("deviceCount", probe.device_count);
  cuda.Set("error", probe.error.empty() ? env.Null() : Napi::String::New(env, probe.error));
  Napi::Array names = Napi::Array::New(env, probe.names.size());
  for (size_t i = 0; i < probe.names.size(); ++i) names.Set(static_cast<uint32_t>(i), probe.names[i]);
  cuda.Set("devices", names);
  result.Set("cuda", cuda);
  return result;
}

}  // namespace mlwatch_addon
