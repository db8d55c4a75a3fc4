// sortColumns(data, rows, cols, firstCol, colCount[, out]) -> { values, counts } (+ Async), CPU
// and CUDA. Inputs are borrowed zero-copy; the async form holds references to them until done and
// writes into buffers owned by the worker, handed to JS only in OnOK.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/kernel_sets.h"
#include "addon/promise_worker.h"
#include "addon/sample_args.h"
#include "kernels/sort_columns.h"

namespace mlwatch_addon {

namespace {

template <class K>
void run_sort(const SortArgs& s, double* values, double* counts) {
  with_values(s.m, [&](auto data) { K::sort_columns(data, s.m.rows, s.m.cols, s.first_col, s.col_count, values, counts); });
}

template <class K>
class SortColumnsWorker : public PromiseWorker {
 public:
  SortColumnsWorker(Napi::Env env, const SortArgs& s, Napi::Float64Array values) : PromiseWorker(env), args_(s) {
    data_ref_ = Napi::Persistent(s.m.data.As<Napi::Object>());
    // The result arrays are made here, on the JS thread; the worker only writes into them.
    Napi::Float64Array counts = Napi::Float64Array::New(env, s.col_count);
    values_ptr_ = values.Data();
    counts_ptr_ = counts.Data();
    values_ref_ = Napi::Persistent(values.As<Napi::Object>());
    counts_ref_ = Napi::Persistent(counts.As<Napi::Object>());
  }

 protected:
  void Run() override { run_sort<K>(args_, values_ptr_, counts_ptr_); }
  Napi::Value Result(Napi::Env env) override { return sorted_object(env, values_ref_.Value(), counts_ref_.Value()); }

 private:
  Napi::ObjectReference data_ref_;  // keeps the caller's matrix alive while the worker reads it
  Napi::ObjectReference values_ref_, counts_ref_;
  SortArgs args_;
  double* values_ptr_;
  double* counts_ptr_;
};

template <class K>
Napi::Value SortColumns(const Napi::CallbackInfo& info) {
  SortArgs s = sort_args(info);
  Napi::Float64Array values = sort_output(info, s);
  Napi::Float64Array counts = Napi::Float64Array::New(info.Env(), s.col_count);
  run_sort<K>(s, values.Data(), counts.Data());
  return sorted_object(info.Env(), values, counts);
}

template <class K>
Napi::Value SortColumnsAsync(const Napi::CallbackInfo& info) {
  SortArgs s = sort_args(info);
  return queue(new SortColumnsWorker<K>(info.Env(), s, sort_output(info, s)));
}

}  // namespace

void AddSortColumns(Napi::Env env, Napi::Object cpu, Napi::Object cuda) {
  add(env, cpu, "sortColumns", SortColumns<CpuKernels>);
  add(env, cpu, "sortColumnsAsync", SortColumnsAsync<CpuKernels>);
  add(env, cuda, "sortColumns", SortColumns<CudaKernels>);
  add(env, cuda, "sortColumnsAsync", SortColumnsAsync<CudaKernels>);
}

}  // namespace mlwatch_addon
