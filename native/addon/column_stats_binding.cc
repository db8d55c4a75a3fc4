// columnStats(data, rows, cols) and columnStatsAsync(data, rows, cols).
// The matrix is borrowed zero-copy; the async form keeps a reference to it until done.
#include <napi.h>

#include <limits>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/column_stats.h"

namespace mlwatch_addon {

namespace {

struct StatsBuffers {
  explicit StatsBuffers(size_t cols) : values(6 * cols), cols(cols) {}
  mlwatch::ColumnStatsOut out() {
    double* p = values.data();
    return {p, p + cols, p + 2 * cols, p + 3 * cols, p + 4 * cols, p + 5 * cols};
  }
  Napi::Object to_js(Napi::Env env) const {
    static const char* const names[6] = {"count", "nanCount", "mean", "std", "min", "max"};
    Napi::Object result = Napi::Object::New(env);
    for (size_t k = 0; k < 6; ++k) {
      Napi::Float64Array a = Napi::Float64Array::New(env, cols);
      std::copy(values.begin() + k * cols, values.begin() + (k + 1) * cols, a.Data());
      result.Set(names[k], a);
    }
    return result;
  }
  std::vector<double> values;
  size_t cols;
};

struct MatrixArgs {
  Napi::TypedArray data;
  size_t rows;
  size_t cols;
};

MatrixArgs matrix_args(const Napi::CallbackInfo& info) {
  MatrixArgs m{float_array_arg(info, 0, "data"), count_arg(info, 1, "rows"), count_arg(info, 2, "cols")};
  const size_t length = m.data.ElementLength();
  if (m.rows > std::numeric_limits<size_t>::max() / m.cols || m.rows * m.cols != length) {
    throw Napi::RangeError::New(info.Env(), "Expected data.length == rows * cols (" + std::to_string(m.rows) +
                                                " * " + std::to_string(m.cols) + ") but received data.length " +
                                                std::to_string(length));
  }
  return m;
}

void run_column_stats(const Napi::TypedArray& data, size_t rows, size_t cols, StatsBuffers& buffers) {
  if (data.TypedArrayType() == napi_float32_array)
    mlwatch::column_stats(data.As<Napi::Float32Array>().Data(), rows, cols, buffers.out());
  else
    mlwatch::column_stats(data.As<Napi::Float64Array>().Data(), rows, cols, buffers.out());
}

class ColumnStatsWorker : public Napi::AsyncWorker {
 public:
  ColumnStatsWorker(Napi::Env env, const MatrixArgs& m)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), buffers_(m.cols),
        rows_(m.rows), cols_(m.cols), is_f32_(m.data.TypedArrayType() == napi_float32_array) {
    data_ref_ = Napi::Persistent(m.data.As<Napi::Object>());
    pointer_ = is_f32_ ? static_cast<const void*>(m.data.As<Napi::Float32Array>().Data())
                       : static_cast<const void*>(m.data.As<Napi::Float64Array>().Data());
  }
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      if (is_f32_)
        mlwatch::column_stats(static_cast<const float*>(pointer_), rows_, cols_, buffers_.out());
      else
        mlwatch::column_stats(static_cast<const double*>(pointer_), rows_, cols_, buffers_.out());
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(buffers_.to_js(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference data_ref_;  // keeps the caller's matrix alive while the worker reads it
  StatsBuffers buffers_;
  const void* pointer_;
  size_t rows_, cols_;
  bool is_f32_;
};

}  // namespace

Napi::Value ColumnStats(const Napi::CallbackInfo& info) {
  MatrixArgs m = matrix_args(info);
  StatsBuffers buffers(m.cols);
  run_column_stats(m.data, m.rows, m.cols, buffers);
  return buffers.to_js(info.Env());
}

Napi::Value ColumnStatsAsync(const Napi::CallbackInfo& info) {
  MatrixArgs m = matrix_args(info);
  auto* worker = new ColumnStatsWorker(info.Env(), m);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace mlwatch_addon
