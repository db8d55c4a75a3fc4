// denseForward(x, rows, nIn, w, b, nOut, activation, out), its Promise form denseForwardAsync
// (a libuv worker thread) and argmaxRows(p, rows, cols, labels, confidence) (+ Async), CPU and CUDA; and,
// for CUDA, denseStackForward(x, rows, weights, biases, shape, out) (+ Async): every layer of a
// model in one call, intermediate results kept on the device. Every array is checked against the
// shapes before a kernel reads or writes it.
#include <napi.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/kernel_sets.h"
#include "addon/promise_worker.h"

namespace mlwatch_addon {

namespace {

Napi::Float32Array float32_arg(Napi::Env env, Napi::Value v, const std::string& name, size_t length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(env, "a Float32Array", name, v);
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  if (a.ElementLength() != length)
    throw Napi::RangeError::New(env, "Expected " + std::to_string(length) + " values for " + name + " but received " +
                                         std::to_string(a.ElementLength()));
  return a;
}

Napi::Float32Array float32_arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t length) {
  return float32_arg(info.Env(), info[index], name, length);
}

size_t product(Napi::Env env, size_t a, size_t b) {
  if (b != 0 && a > std::numeric_limits<size_t>::max() / b) throw Napi::RangeError::New(env, "Expected shapes whose product fits in memory");
  return a * b;
}

mlwatch::Activation activation_arg(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsNumber()) throw_type(env, "an activation code 0..4", name, v);
  const double code = v.As<Napi::Number>().DoubleValue();
  if (!(code >= 0 && code <= 4) || static_cast<int>(code) != code)
    throw Napi::RangeError::New(env, "Expected an activation code 0..4 for " + name);
  return static_cast<mlwatch::Activation>(static_cast<int>(code));
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
  const mlwatch::Activation act = activation_arg(env, info[6], "activation");
  Napi::Float32Array out = float32_arg(info, 7, "out", product(env, rows, n_out));
  return {x, w, b, out, rows, n_in, n_out, act};
}

// Runs one dense layer on a libuv worker thread; holds references to every array it touches.
template <class K>
class DenseWorker : public PromiseWorker {
 public:
  DenseWorker(Napi::Env env, DenseArgs a)
      : PromiseWorker(env), rows_(a.rows), n_in_(a.n_in),
        n_out_(a.n_out), act_(a.act), x_(a.x.Data()), w_(a.w.Data()), b_(a.b.Data()), out_(a.out.Data()) {
    for (const Napi::Float32Array& arr : {a.x, a.w, a.b, a.out}) refs_.push_back(Napi::Persistent(arr.As<Napi::Object>()));
  }

 protected:
  void Run() override { K::dense_forward(x_, rows_, n_in_, w_, b_, n_out_, act_, out_); }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

 private:
  std::vector<Napi::ObjectReference> refs_;
  size_t rows_, n_in_, n_out_;
  mlwatch::Activation act_;
  const float *x_, *w_, *b_;
  float* out_;
};

template <class K>
Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  DenseArgs a = dense_args(info);
  K::dense_forward(a.x.Data(), a.rows, a.n_in, a.w.Data(), a.b.Data(), a.n_out, a.act, a.out.Data());
  return a.out;
}

template <class K>
Napi::Value DenseForwardAsync(const Napi::CallbackInfo& info) {
  DenseArgs a = dense_args(info);
  return queue(new DenseWorker<K>(info.Env(), a));
}

struct ArgmaxArgs {
  Napi::Float32Array p;
  Napi::Int32Array labels;
  Napi::Float32Array confidence;
  size_t rows, cols;
};

ArgmaxArgs argmax_args(const Napi::CallbackInfo& info) {
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
  return {p, labels, confidence, rows, cols};
}

template <class K>
Napi::Value ArgmaxRows(const Napi::CallbackInfo& info) {
  ArgmaxArgs a = argmax_args(info);
  K::argmax_rows(a.p.Data(), a.rows, a.cols, a.labels.Data(), a.confidence.Data());
  return info.Env().Undefined();
}

// argmaxRows on a libuv worker thread; holds references to the three arrays.
template <class K>
class ArgmaxWorker : public PromiseWorker {
 public:
  ArgmaxWorker(Napi::Env env, ArgmaxArgs a)
      : PromiseWorker(env), p_(a.p.Data()), labels_(a.labels.Data()), confidence_(a.confidence.Data()), rows_(a.rows), cols_(a.cols) {
    refs_.push_back(Napi::Persistent(a.p.As<Napi::Object>()));
    refs_.push_back(Napi::Persistent(a.labels.As<Napi::Object>()));
    refs_.push_back(Napi::Persistent(a.confidence.As<Napi::Object>()));
  }

 protected:
  void Run() override { K::argmax_rows(p_, rows_, cols_, labels_, confidence_); }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

 private:
  const float* p_;
  int32_t* labels_;
  float* confidence_;
  size_t rows_, cols_;
  std::vector<Napi::ObjectReference> refs_;
};

template <class K>
Napi::Value ArgmaxRowsAsync(const Napi::CallbackInfo& info) {
  return queue(new ArgmaxWorker<K>(info.Env(), argmax_args(info)));
}

// denseStackForward(x, rows, weights: Float32Array[], biases: Float32Array[], shape: Float64Array
// [nIn, nOut, activation] per layer, out): x is Float32Array or Float64Array.
struct StackArgs {
  MatrixArgs x;
  std::vector<mlwatch::cuda::LayerView> layers;
  std::vector<Napi::Value> arrays;  // every array to keep alive
  Napi::Float32Array out;
};

StackArgs stack_args(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[2].IsArray()) throw_type(env, "an Array of Float32Array", "weights", info[2]);
  if (!info[3].IsArray()) throw_type(env, "an Array of Float32Array", "biases", info[3]);
  Napi::Array weights = info[2].As<Napi::Array>(), biases = info[3].As<Napi::Array>();
  Napi::Float64Array shape = float64_array_arg(info, 4, "shape");
  const size_t count = weights.Length();
  if (count == 0 || biases.Length() != count || shape.ElementLength() != 3 * count)
    throw Napi::RangeError::New(env, "Expected weights, biases and shape (3 values each) for the same number (>= 1) of layers but received " +
                                         std::to_string(count) + ", " + std::to_string(biases.Length()) + " and " +
                                         std::to_string(shape.ElementLength()) + " values");
  StackArgs s;
  size_t previous = 0;
  for (size_t i = 0; i < count; ++i) {
    const std::string at = "layer " + std::to_string(i);
    auto size = [&](double v, const char* what) {
      if (!(v >= 1 && v <= 9007199254740991.0) || std::floor(v) != v)
        throw Napi::RangeError::New(env, "Expected a positive integer for " + at + " " + what);
      return static_cast<size_t>(v);
    };
    const size_t n_in = size(shape[3 * i], "nIn"), n_out = size(shape[3 * i + 1], "nOut");
    if (i > 0 && n_in != previous)
      throw Napi::RangeError::New(env, "Expected " + at + " nIn == the previous layer's nOut (" + std::to_string(previous) +
                                           ") but received " + std::to_string(n_in));
    const mlwatch::Activation act = activation_arg(env, Napi::Number::New(env, shape[3 * i + 2]), at + " activation");
    Napi::Float32Array w = float32_arg(env, weights.Get(static_cast<uint32_t>(i)), at + " weights", product(env, n_in, n_out));
    Napi::Float32Array b = float32_arg(env, biases.Get(static_cast<uint32_t>(i)), at + " bias", n_out);
    s.layers.push_back({w.Data(), b.Data(), n_in, n_out, act});
    s.arrays.push_back(w);
    s.arrays.push_back(b);
    previous = n_out;
  }
  // x: rows x the first layer's nIn, checked as a matrix.
  const size_t rows = count_arg(info, 1, "rows");
  Napi::TypedArray x = float_array_arg(info, 0, "x");
  const size_t n_in = s.layers[0].n_in;
  if (x.ElementLength() != product(env, rows, n_in))
    throw Napi::RangeError::New(env, "Expected x.length == rows * nIn (" + std::to_string(rows) + " * " + std::to_string(n_in) +
                                         ") but received x.length " + std::to_string(x.ElementLength()));
  const bool f32 = x.TypedArrayType() == napi_float32_array;
  s.x = {x, rows, n_in, f32,
         f32 ? static_cast<const void*>(x.As<Napi::Float32Array>().Data()) : static_cast<const void*>(x.As<Napi::Float64Array>().Data())};
  s.out = float32_arg(info, 5, "out", product(env, rows, previous));
  s.arrays.push_back(x);
  s.arrays.push_back(s.out);
  return s;
}

void run_stack(const StackArgs& s, float* out) {
  with_values(s.x, [&](auto x) { mlwatch::cuda::dense_stack_forward(x, s.x.rows, s.layers.data(), s.layers.size(), out); });
}

class DenseStackWorker : public PromiseWorker {
 public:
  DenseStackWorker(Napi::Env env, StackArgs s) : PromiseWorker(env), args_(std::move(s)), out_(args_.out.Data()) {
    for (const Napi::Value& v : args_.arrays) refs_.push_back(Napi::Persistent(v.As<Napi::Object>()));
  }

 protected:
  void Run() override { run_stack(args_, out_); }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

 private:
  StackArgs args_;
  float* out_;
  std::vector<Napi::ObjectReference> refs_;
};

Napi::Value DenseStackForward(const Napi::CallbackInfo& info) {
  StackArgs s = stack_args(info);
  run_stack(s, s.out.Data());
  return s.out;
}

Napi::Value DenseStackForwardAsync(const Napi::CallbackInfo& info) {
  return queue(new DenseStackWorker(info.Env(), stack_args(info)));
}

}  // namespace

void AddDense(Napi::Env env, Napi::Object cpu, Napi::Object cuda) {
  add(env, cpu, "denseForward", DenseForward<CpuKernels>);
  add(env, cpu, "denseForwardAsync", DenseForwardAsync<CpuKernels>);
  add(env, cpu, "argmaxRows", ArgmaxRows<CpuKernels>);
  add(env, cpu, "argmaxRowsAsync", ArgmaxRowsAsync<CpuKernels>);
  add(env, cuda, "denseForward", DenseForward<CudaKernels>);
  add(env, cuda, "denseForwardAsync", DenseForwardAsync<CudaKernels>);
  add(env, cuda, "argmaxRows", ArgmaxRows<CudaKernels>);
  add(env, cuda, "argmaxRowsAsync", ArgmaxRowsAsync<CudaKernels>);
  add(env, cuda, "denseStackForward", DenseStackForward);
  add(env, cuda, "denseStackForwardAsync", DenseStackForwardAsync);
}

}  // namespace mlwatch_addon
