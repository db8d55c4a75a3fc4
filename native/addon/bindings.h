// Every group of exported functions registers itself here: each Add* sets the CPU form on `cpu`
// (the addon's top level) and the CUDA form, where there is one, on `cuda` (exports.cuda).
#pragma once

#include <napi.h>

namespace mlwatch_addon {

void AddColumnStats(Napi::Env env, Napi::Object cpu, Napi::Object cuda);
void AddQuantiles(Napi::Env env, Napi::Object cpu, Napi::Object cuda);
void AddSketchBins(Napi::Env env, Napi::Object cpu, Napi::Object cuda);
void AddDense(Napi::Env env, Napi::Object cpu, Napi::Object cuda);
void AddDrift(Napi::Env env, Napi::Object cpu, Napi::Object cuda);
void AddCudaDevice(Napi::Env env, Napi::Object cuda);
Napi::Value Info(const Napi::CallbackInfo& info);

// Sets name on target to a function that calls f.
inline void add(Napi::Env env, Napi::Object target, const char* name, Napi::Function::Callback f) {
  target.Set(name, Napi::Function::New(env, f, name));
}

}  // namespace mlwatch_addon
