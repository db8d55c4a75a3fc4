// Every group of exported functions registers itself here: each Add* sets the CPU form on `cpu`
// (the addon's top level) and the CUDA form, where there is one, on `cuda` (exports.cuda).
#pragma once

#include <napi.h>

namespace mlwatch_addon {

// The one list of binding groups: a new kernel adds its line here and its *_binding.cc file,
// which defines Add<Group>(env, cpu, cuda); module.cc registers every group in this order.
#define MLWATCH_BINDING_GROUPS(X) \
  X(ColumnStats)                  \
  X(Quantiles)                    \
  X(SketchBins)                   \
  X(Dense)                        \
  X(SortColumns)                  \
  X(SortArrays)                   \
  X(EcdfDistances)                \
  X(SortAndMeasure)               \
  X(JsonNumberArrays)             \
  X(Smirnov)                      \
  X(CsvColumns)                   \
  X(KsDistance)                   \
  X(WassersteinDistance)          \
  X(ArrowNumbers)                 \
  X(ArrowLabels)                  \
  X(RowMask)                      \
  X(GatherRows)                   \
  X(SortedRuns)

#define MLWATCH_DECLARE_GROUP(Group) void Add##Group(Napi::Env env, Napi::Object cpu, Napi::Object cuda);
MLWATCH_BINDING_GROUPS(MLWATCH_DECLARE_GROUP)
#undef MLWATCH_DECLARE_GROUP

// The device-only functions (memoryInfo, measureTransfers, ...), on `cuda` alone.
void AddCudaDevice(Napi::Env env, Napi::Object cuda);
Napi::Value Info(const Napi::CallbackInfo& info);

// Sets name on target to a function that calls f.
inline void add(Napi::Env env, Napi::Object target, const char* name, Napi::Function::Callback f) {
  target.Set(name, Napi::Function::New(env, f, name));
}

}  // namespace mlwatch_addon
