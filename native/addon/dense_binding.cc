// denseForward(x, rows, nIn, w, b, nOut, activation, out) and argmaxRows(p, rows, cols, labels,
// confidence): every array is checked against the shapes before the kernel reads or writes it.
#include <napi.h>

#include <limits>
#include <string>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/dense.h"

namespace mlwatch_addon {

namespace {

Napi::Float32Array float32_arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t length) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(info.Env(), "a Float32Array", name, v);
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  if (a.ElementLength() != length)
    throw Napi::RangeError::New(info.Env(), std::string("Expected ") + std::to_string(length) + " values for " + name +
                                                " but received " + std::to_string(a.ElementLength()));
  return a;
}

size_t product(Napi::Env env, size_t a, size_t b) {
  if (b != 0 && a > std::numeric_limits<size_t>::max() / b) throw Napi::RangeError::New(env, "Expected shapes whose product fits in memory");
  return a * b;
}

}  // namespace

Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = count_arg(info, 1, "rows");
  const size_t n_in = count_arg(info, 2, "nIn");
  const size_t n_out = count_arg(info, 5, "nOut");
  Napi::Float32Array x = float32_arg(info, 0, "x", product(env, rows, n_in));
  Napi::Float32Array w = float32_arg(info, 3, "w", product(env, n_in, n_out));
  Napi::Float32Array b = float32_arg(info, 4, "b", n_out);
  if (!info[6].IsNumber()) throw_type(env, "an activation code 0..4", "activation", info[6]);
  const int act = info[6].As<Napi::Number>().Int32Value();
  if (act < 0 || act > 4 || info[6].As<Napi::Number>().DoubleValue() != act)
    throw Napi::RangeError::New(env, "Expected an activation code 0..4 for activation");
  Napi::Float32Array out = float32_arg(info, 7, "out", product(env, rows, n_out));
  mlwatch::dense_forward(x.Data(), rows, n_in, w.Data(), b.Data(), n_out, static_cast<mlwatch::Activation>(act), out.Data());
  return out;
}

Napi::Value ArgmaxRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = count_arg(info, 1, "rows");
  const size_t cols = count_arg(info, 2, "cols");
  Napi::Float32Array p = float32_arg(info, 0, "p", product(env, rows, cols));
  Napi::Value lv = info[3];
  if (!lv.IsTypedArray() || lv.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) throw_type(env, "an Int32Array", "labels", lv);
  Napi::Int32Array labels = lv.As<Napi::Int32Array>();
  if (labels.ElementLength() != rows) throw Napi::RangeError::New(env, "Expected rows values for labels but received " + std::to_string(labels.ElementLength()));
  Napi::Float32Array confidence = float32_arg(info, 4, "confidence", rows);
  mlwatch::argmax_rows(p.Data(), rows, cols, labels.Data(), confidence.Data());
  return env.Undefined();
}

}  // namespace mlwatch_addon
