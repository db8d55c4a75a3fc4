// Arguments 0 and 1 as two samples (each a Float32Array or Float64Array, checked), handed to a
// kernel overloaded for float and double: with_two_samples(info, f) returns f(a, la, b, lb).
#pragma once

#include <napi.h>

#include "addon/args.h"

namespace mlwatch_addon {

template <typename F>
auto with_two_samples(const Napi::CallbackInfo& info, F f) {
  Napi::TypedArray a = float_array_arg(info, 0, "a");
  Napi::TypedArray b = float_array_arg(info, 1, "b");
  auto with_b = [&](const auto* pa, size_t la) {
    if (b.TypedArrayType() == napi_float32_array) {
      Napi::Float32Array fb = b.As<Napi::Float32Array>();
      return f(pa, la, static_cast<const float*>(fb.Data()), fb.ElementLength());
    }
    Napi::Float64Array fb = b.As<Napi::Float64Array>();
    return f(pa, la, static_cast<const double*>(fb.Data()), fb.ElementLength());
  };
  if (a.TypedArrayType() == napi_float32_array) {
    Napi::Float32Array fa = a.As<Napi::Float32Array>();
    return with_b(static_cast<const float*>(fa.Data()), fa.ElementLength());
  }
  Napi::Float64Array fa = a.As<Napi::Float64Array>();
  return with_b(static_cast<const double*>(fa.Data()), fa.ElementLength());
}

}  // namespace mlwatch_addon
