// columnStats(data, rows, cols) and columnStatsAsync(data, rows, cols), CPU and CUDA; and
// accumulateColumnStats(data, rows, cols, state), the form carried across blocks (CPU only:
// the batch layer feeds it blocks that cost less to reduce here than to copy to a device).
// The matrix is borrowed zero-copy; the async form keeps a reference to it until done.
#include <napi.h>

#include <limits>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/kernel_sets.h"
#include "addon/promise_worker.h"

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

template <class K>
void run_column_stats(const MatrixArgs& m, StatsBuffers& buffers) {
  with_values(m, [&](auto values) { K::column_stats(values, m.rows, m.cols, buffers.out()); });
}

template <class K>
class ColumnStatsWorker : public PromiseWorker {
 public:
  ColumnStatsWorker(Napi::Env env, const MatrixArgs& m) : PromiseWorker(env), m_(m), buffers_(m.cols) {
    data_ref_ = Napi::Persistent(m.data.As<Napi::Object>());
  }

 protected:
  void Run() override { run_column_stats<K>(m_, buffers_); }
  Napi::Value Result(Napi::Env env) override { return buffers_.to_js(env); }

 private:
  Napi::ObjectReference data_ref_;  // keeps the caller's matrix alive while the worker reads it
  MatrixArgs m_;
  StatsBuffers buffers_;
};

template <class K>
Napi::Value ColumnStats(const Napi::CallbackInfo& info) {
  MatrixArgs m = matrix_args(info);
  StatsBuffers buffers(m.cols);
  run_column_stats<K>(m, buffers);
  return buffers.to_js(info.Env());
}

template <class K>
Napi::Value ColumnStatsAsync(const Napi::CallbackInfo& info) {
  MatrixArgs m = matrix_args(info);
  return queue(new ColumnStatsWorker<K>(info.Env(), m));
}

// Adds the block to the caller's state (7 * cols values, laid out as kernels/column_stats.h says).
Napi::Value AccumulateColumnStats(const Napi::CallbackInfo& info) {
  MatrixArgs m = matrix_args(info);
  Napi::Float64Array state = float64_array_arg(info, 3, "state");
  if (state.ElementLength() != mlwatch::kColumnStatsFields * m.cols) {
    throw Napi::RangeError::New(info.Env(), "Expected state.length == 7 * cols (" + std::to_string(m.cols) +
                                                ") but received state.length " + std::to_string(state.ElementLength()));
  }
  with_values(m, [&](auto values) { mlwatch::accumulate_column_stats(values, m.rows, m.cols, state.Data()); });
  return info.Env().Undefined();
}

}  // namespace

void AddColumnStats(Napi::Env env, Napi::Object cpu, Napi::Object cuda) {
  add(env, cpu, "columnStats", ColumnStats<CpuKernels>);
  add(env, cpu, "columnStatsAsync", ColumnStatsAsync<CpuKernels>);
  add(env, cpu, "accumulateColumnStats", AccumulateColumnStats);
  add(env, cuda, "columnStats", ColumnStats<CudaKernels>);
  add(env, cuda, "columnStatsAsync", ColumnStatsAsync<CudaKernels>);
}

}  // namespace mlwatch_addon
