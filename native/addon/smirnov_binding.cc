// smirnovSf(n, x) -> Pr(D_n+ > x), CPU only: a sum of at most n terms computed on the thread pool
// in a few milliseconds, too small to be worth a copy to a device or a promise; the cuda backend
// uses the cpu one.
#include <napi.h>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/smirnov.h"

namespace mlwatch_addon {

namespace {

Napi::Value SmirnovSf(const Napi::CallbackInfo& info) {
  // Any numbers: the kernel answers NaN outside its domain, as the contract says.
  Napi::Value n = info[0];
  Napi::Value x = info[1];
  if (!n.IsNumber()) throw_type(info.Env(), "a number", "n", n);
  if (!x.IsNumber()) throw_type(info.Env(), "a number", "x", x);
  return Napi::Number::New(info.Env(), mlwatch::smirnov_sf(n.As<Napi::Number>().DoubleValue(), x.As<Napi::Number>().DoubleValue()));
}

}  // namespace

void AddSmirnov(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) { add(env, cpu, "smirnovSf", SmirnovSf); }

}  // namespace mlwatch_addon
