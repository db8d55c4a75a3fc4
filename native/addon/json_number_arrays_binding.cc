// jsonNumberArrays(text, minLength): the arrays of plain numbers in a JSON text (a Uint8Array of
// UTF-8) as { spans, values } (native/kernels/json_number_arrays.h). Synchronous: one pass over a
// request body, shorter than the JSON.parse it saves; CPU only (the cuda backend uses this one).
#include <napi.h>

#include <cstring>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/json_number_arrays.h"

namespace mlwatch_addon {
namespace {

Napi::Float64Array copy_out(Napi::Env env, const std::vector<double>& v) {
  Napi::Float64Array a = Napi::Float64Array::New(env, v.size());
  if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(double));
  return a;
}

Napi::Value JsonNumberArrays(const Napi::CallbackInfo& info) {
  Napi::Value v = info[0];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw_type(info.Env(), "a Uint8Array", "text", v);
  Napi::Uint8Array text = v.As<Napi::Uint8Array>();
  const size_t min_length = count_arg(info, 1, "minLength");
  mlwatch::JsonNumberArrays found;
  // A detached array has length 0: nothing is read.
  if (text.ElementLength() > 0) mlwatch::find_json_number_arrays(text.Data(), text.ElementLength(), min_length, found);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("spans", copy_out(info.Env(), found.spans));
  out.Set("values", copy_out(info.Env(), found.values));
  return out;
}

}  // namespace

void AddJsonNumberArrays(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) {
  add(env, cpu, "jsonNumberArrays", JsonNumberArrays);
}

}  // namespace mlwatch_addon
