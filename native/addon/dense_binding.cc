// denseForward(x, rows, nIn, w, b, nOut, activation, out), its Promise form denseForwardAsync
// (a libuv worker thread), and argmaxRows(p, rows, cols, labels, confidence). Every array is
// checked against the shapes before the kernel reads or writes it.
#include <napi.h>

#include <limits>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/promise_worker.h"
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

struct DenseArgs {
  Napi::Float32Array x, w, b, out;
  size_t rows, n_in, n_out;
  mlwatch::Activation act;
};

DenseArgs dense_args(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = count_arg(info, 1, "rows");
  const size_t n_in = count_arg(info, 2, "nIn");
  const size_t n_out = count_arg(info, 5, "nOut");
  Napi::Float32Array x = float32_arg(info, 0, "x", product(env, rows, n_in));
  Napi::Float32Array w = float32_arg(info, 3, "w", product(env, n_in, n_out));
  Napi::Float32Array b = float32_arg(info, 4, "b", n_out);
  if (!info[6].IsNumber()) throw_type(env, "an activation code 0..4", "activation", info[6]);
  const double code = info[6].As<Napi::Number>().DoubleValue();
  if (!(code >= 0 && code <= 4) || static_cast<int>(code) != code)
    throw Napi::RangeError::New(env, "Expected an activation code 0..4 for activation");
  Napi::Float32Array out = float32_arg(info, 7, "out", product(env, rows, n_out));
  return {x, w, b, out, rows, n_in, n_out, static_cast<mlwatch::Activation>(static_cast<int>(code))};
}

// Runs one dense layer on a libuv worker thread; holds references to every array it touches.
class DenseWorker : public PromiseWorker {
 public:
  DenseWorker(Napi::Env env, DenseArgs a)
      : PromiseWorker(env), rows_(a.rows), n_in_(a.n_in),
        n_out_(a.n_out), act_(a.act), x_(a.x.Data()), w_(a.w.Data()), b_(a.b.Data()), out_(a.out.Data()) {
    for (const Napi::Float32Array& arr : {a.x, a.w, a.b, a.out}) refs_.push_back(Napi::Persistent(arr.As<Napi::Object>()));
  }

 protected:
  void Run() override { mlwatch::dense_forward(x_, rows_, n_in_, w_, b_, n_out_, act_, out_); }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

 private:
  std::vector<Napi::ObjectReference> refs_;
  size_t rows_, n_in_, n_out_;
  mlwatch::Activation act_;
  const float *x_, *w_, *b_;
  float* out_;
};

}  // namespace

Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  DenseArgs a = dense_args(info);
  mlwatch::dense_forward(a.x.Data(), a.rows, a.n_in, a.w.Data(), a.b.Data(), a.n_out, a.act, a.out.Data());
  return a.out;
}

Napi::Value DenseForwardAsync(const Napi::CallbackInfo& info) {
  DenseArgs a = dense_args(info);
  return queue(new DenseWorker(info.Env(), a));
}

Napi::Value ArgmaxRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = count_arg(info, 1, "rows");
  const size_t cols = count_arg(info, 2, "cols");
  Napi::Float32Array p = float32_arg(info, 0, "p", product(env, rows, cols));
  Napi::Value lv = info[3];
  if (!lv.IsTypedArray() || lv.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) throw_type(env, "an Int32Array", "labels", lv);
  Napi::Int32Array labels = lv.As<Napi::Int32Array>();
  if (labels.ElementLength() != rows)
    throw Napi::RangeError::New(env, "Expected " + std::to_string(rows) + " values for labels but received " + std::to_string(labels.ElementLength()));
  Napi::Float32Array confidence = float32_arg(info, 4, "confidence", rows);
  mlwatch::argmax_rows(p.Data(), rows, cols, labels.Data(), confidence.Data());
  return env.Undefined();
}

}  // namespace mlwatch_addon
