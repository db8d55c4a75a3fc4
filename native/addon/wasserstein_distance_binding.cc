// wassersteinDistance(a, b) -> { wasserstein, na, nb }, CPU only (the cuda backend delegates to
// it: two reads of the samples, bound by host memory, no copy to a device would pay).
// Synchronous: no other JS code runs while it reads the arrays, so none can detach or resize them.
#include <napi.h>

#include "addon/bindings.h"
#include "addon/two_samples.h"
#include "kernels/wasserstein_distance.h"

namespace mlwatch_addon {

namespace {

Napi::Value WassersteinDistance(const Napi::CallbackInfo& info) {
  const mlwatch::WassersteinDistance r = with_two_samples(
      info, [](const auto* a, size_t la, const auto* b, size_t lb) { return mlwatch::wasserstein_distance(a, la, b, lb); });
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("wasserstein", r.wasserstein);
  result.Set("na", r.na);
  result.Set("nb", r.nb);
  return result;
}

}  // namespace

void AddWassersteinDistance(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) {
  add(env, cpu, "wassersteinDistance", WassersteinDistance);
}

}  // namespace mlwatch_addon
