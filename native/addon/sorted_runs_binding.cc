// sortedRuns(sorted, values, counts) -> number of runs, CPU only (the cuda backend delegates to
// it: the batch job walks sorted blocks the host holds). Synchronous: one sorted block at a time.
// Runs beyond min(values.length, counts.length) are counted, not written.
#include <napi.h>

#include <algorithm>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/sorted_runs.h"

namespace mlwatch_addon {

namespace {

Napi::Value SortedRuns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TypedView sorted = typed_arg(info, 0, "sorted", napi_float64_array, "a Float64Array");
  const TypedView values = typed_arg(info, 1, "values", napi_float64_array, "a Float64Array");
  const TypedView counts = typed_arg(info, 2, "counts", napi_float64_array, "a Float64Array");
  if (sorted.length == 0) return Napi::Number::New(env, 0);
  const size_t room = std::min(values.length, counts.length);
  return Napi::Number::New(env, static_cast<double>(mlwatch::sorted_runs(static_cast<const double*>(sorted.data), sorted.length,
                                                                         static_cast<double*>(values.data),
                                                                         static_cast<double*>(counts.data), room)));
}

}  // namespace

void AddSortedRuns(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) { add(env, cpu, "sortedRuns", SortedRuns); }

}  // namespace mlwatch_addon
