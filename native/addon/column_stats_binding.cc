// columnStats(data, rows, cols) and columnStatsAsync(data, rows, cols).
// The matrix is borrowed zero-copy; the async form keeps a reference to it until done.
#include <napi.h>

#include <limits>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/promise_worker.h"
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

void run_column_stats(const MatrixArgs& m, StatsBuffers& buffers) {
  with_values(m, [&](auto values) { mlwatch::column_stats(values, m.rows, m.cols, buffers.out()); });
}

class ColumnStatsWorker : public PromiseWorker {
 public:
  ColumnStatsWorker(Napi::Env env, const MatrixArgs& m) : PromiseWorker(env), m_(m), buffers_(m.cols) {
    data_ref_ = Napi::Persistent(m.data.As<Napi::Object>());
  }

 protected:
  void Run() override { run_column_stats(m_, buffers_); }
  Napi::Value Result(Napi::Env env) override { return buffers_.to_js(env); }

 private:
  Napi::ObjectReference data_ref_;  // keeps the caller's matrix alive while the worker reads it
  MatrixArgs m_;
  StatsBuffers buffers_;
};

}  // namespace

Napi::Value ColumnStats(const Napi::CallbackInfo& info) {
  MatrixArgs m = matrix_args(info);
  StatsBuffers buffers(m.cols);
  run_column_stats(m, buffers);
  return buffers.to_js(info.Env());
}

Napi::Value ColumnStatsAsync(const Napi::CallbackInfo& info) {
  MatrixArgs m = matrix_args(info);
  return queue(new ColumnStatsWorker(info.Env(), m));
}

}  // namespace mlwatch_addon
