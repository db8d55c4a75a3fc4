// ksDistance(a, b) -> { ks, na, nb }, CPU only (the cuda backend delegates to it: two reads of the
// samples, bound by host memory, no copy to a device would pay). Synchronous: no other JS code
// runs while it reads the arrays, so none can detach or resize them.
#include <napi.h>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/ks_distance.h"

namespace mlwatch_addon {

namespace {

template <typename TA>
mlwatch::KsDistance with_b(const TA* a, size_t la, const Napi::TypedArray& b) {
  if (b.TypedArrayType() == napi_float32_array) {
    Napi::Float32Array fb = b.As<Napi::Float32Array>();
    return mlwatch::ks_distance(a, la, fb.Data(), fb.ElementLength());
  }
  Napi::Float64Array fb = b.As<Napi::Float64Array>();
  return mlwatch::ks_distance(a, la, fb.Data(), fb.ElementLength());
}

Napi::Value KsDistance(const Napi::CallbackInfo& info) {
  Napi::TypedArray a = float_array_arg(info, 0, "a");
  Napi::TypedArray b = float_array_arg(info, 1, "b");
  mlwatch::KsDistance r;
  if (a.TypedArrayType() == napi_float32_array) {
    Napi::Float32Array fa = a.As<Napi::Float32Array>();
    r = with_b(fa.Data(), fa.ElementLength(), b);
  } else {
    Napi::Float64Array fa = a.As<Napi::Float64Array>();
    r = with_b(fa.Data(), fa.ElementLength(), b);
  }
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("ks", r.ks);
  result.Set("na", r.na);
  result.Set("nb", r.nb);
  return result;
}

}  // namespace

void AddKsDistance(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) { add(env, cpu, "ksDistance", KsDistance); }

}  // namespace mlwatch_addon
