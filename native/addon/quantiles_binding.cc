// quantiles(values, q) -> Float64Array, NumPy 'linear' method, CPU and CUDA; the caller's
// values are only read.
#include <napi.h>

#include <cmath>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/kernel_sets.h"

namespace mlwatch_addon {

namespace {

template <class K>
Napi::Value Quantiles(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray values = float_array_arg(info, 0, "values");
  Napi::Float64Array q = float64_array_arg(info, 1, "q");
  const size_t n = values.ElementLength();
  if (n == 0) throw Napi::RangeError::New(env, "Expected a non-empty array for values but received an empty one");
  const size_t nq = q.ElementLength();
  for (size_t i = 0; i < nq; ++i) {
    const double p = q[i];
    if (!(p >= 0.0 && p <= 1.0))
      throw Napi::RangeError::New(env, "Expected every q in [0, 1] but received q[" + std::to_string(i) +
                                           "] = " + std::to_string(p));
  }
  Napi::Float64Array out = Napi::Float64Array::New(env, nq);
  if (values.TypedArrayType() == napi_float32_array)
    K::quantiles(values.As<Napi::Float32Array>().Data(), n, q.Data(), nq, out.Data());
  else
    K::quantiles(values.As<Napi::Float64Array>().Data(), n, q.Data(), nq, out.Data());
  return out;
}

}  // namespace

void AddQuantiles(Napi::Env env, Napi::Object cpu, Napi::Object cuda) {
  add(env, cpu, "quantiles", Quantiles<CpuKernels>);
  add(env, cuda, "quantiles", Quantiles<CudaKernels>);
}

}  // namespace mlwatch_addon
