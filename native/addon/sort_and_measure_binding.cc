// CUDA only: holdSamples(values) -> a handle to a device copy, and
// sortAndMeasure(data, rows, cols, firstCol, colCount, held, aStart, aCount, column[, out])
// -> { counts, ks, wasserstein } (+ Async): sortColumns and the distances to held reference
// windows in one call, the sorted columns copied back only into `out` when it is given.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/kernel_sets.h"
#include "addon/promise_worker.h"
#include "addon/sample_args.h"
#include "cuda/cuda_api.h"

namespace mlwatch_addon {

namespace {

// Handles given out by holdSamples and not yet collected: a pointer from any other External is
// refused instead of being used.
std::mutex live_mutex;
std::unordered_set<const mlwatch::cuda::HeldSamples*> live_handles;

Napi::Value HoldSamples(const Napi::CallbackInfo& info) {
  Napi::Float64Array values = float64_array_arg(info, 0, "values");
  mlwatch::cuda::HeldSamples* held = mlwatch::cuda::hold_samples(values.Data(), values.ElementLength());
  {
    std::lock_guard<std::mutex> guard(live_mutex);
    live_handles.insert(held);
  }
  return Napi::External<mlwatch::cuda::HeldSamples>::New(info.Env(), held, [](Napi::Env, mlwatch::cuda::HeldSamples* h) {
    {
      std::lock_guard<std::mutex> guard(live_mutex);
      live_handles.erase(h);
    }
    mlwatch::cuda::release_samples(h);  // freed by the next device call, never blocking here
  });
}

const mlwatch::cuda::HeldSamples* held_arg(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value v = info[index];
  if (v.IsExternal()) {
    const auto* held = v.As<Napi::External<mlwatch::cuda::HeldSamples>>().Data();
    std::lock_guard<std::mutex> guard(live_mutex);
    if (live_handles.count(held)) return held;
  }
  throw_type(info.Env(), "a handle from cuda.holdSamples", "held", v);
}

struct MeasureArgs {
  SortArgs s;
  const mlwatch::cuda::HeldSamples* held;
  std::vector<double> a_start, a_count, column;
  Napi::Value held_value;
};

MeasureArgs measure_args(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MeasureArgs m{sort_args(info), held_arg(info, 5), {}, {}, {}, info[5]};
  const size_t held_n = mlwatch::cuda::held_length(m.held);
  Napi::Float64Array a_start = float64_array_arg(info, 6, "aStart");
  Napi::Float64Array a_count = float64_array_arg(info, 7, "aCount");
  Napi::Float64Array column = float64_array_arg(info, 8, "column");
  const size_t pairs = a_start.ElementLength();
  if (a_count.ElementLength() != pairs || column.ElementLength() != pairs)
    throw Napi::RangeError::New(env, "Expected aStart, aCount and column of one length but received " + std::to_string(pairs) +
                                         ", " + std::to_string(a_count.ElementLength()) + ", " +
                                         std::to_string(column.ElementLength()));
  for (size_t k = 0; k < pairs; ++k) {
    check_window(env, a_start[k], a_count[k], held_n, "held");
    const double c = column[k];
    if (!(c >= 0 && c < static_cast<double>(m.s.col_count)) || std::floor(c) != c)
      throw Napi::RangeError::New(env, "Expected column[" + std::to_string(k) + "] in [0, colCount) but received " + std::to_string(c));
    m.a_start.push_back(a_start[k]);
    m.a_count.push_back(a_count[k]);
    m.column.push_back(c);
  }
  return m;
}

// The optional 10th argument: where the sorted columns go (at least rows * colCount values).
double* measure_output(const Napi::CallbackInfo& info, const SortArgs& s, Napi::Value* keep) {
  if (info.Length() <= 9 || info[9].IsUndefined() || info[9].IsNull()) return nullptr;
  Napi::Float64Array out = float64_array_arg(info, 9, "out");
  if (out.ElementLength() < s.m.rows * s.col_count)
    throw Napi::RangeError::New(info.Env(), "Expected out.length >= rows * colCount (" + std::to_string(s.m.rows * s.col_count) +
                                                ") but received out.length " + std::to_string(out.ElementLength()));
  *keep = out;
  return out.Data();
}

struct MeasureResult {
  std::vector<double> counts, ks, wasserstein;
  Napi::Object to_js(Napi::Env env) const {
    Napi::Object o = pair_object(env, "ks", ks, "wasserstein", wasserstein);
    Napi::Float64Array c = Napi::Float64Array::New(env, counts.size());
    std::copy(counts.begin(), counts.end(), c.Data());
    o.Set("counts", c);
    return o;
  }
};

void run_measure(const MeasureArgs& m, double* out, MeasureResult& r) {
  r.counts.assign(m.s.col_count, 0.0);
  r.ks.assign(m.column.size(), 0.0);
  r.wasserstein.assign(m.column.size(), 0.0);
  const mlwatch::cuda::ReferencePairs pairs{m.a_start.data(), m.a_count.data(), m.column.data(), m.column.size()};
  with_values(m.s.m, [&](auto data) {
    mlwatch::cuda::sort_and_measure(data, m.s.m.rows, m.s.m.cols, m.s.first_col, m.s.col_count, m.held, pairs, out,
                                    r.counts.data(), r.ks.data(), r.wasserstein.data());
  });
}

class SortAndMeasureWorker : public PromiseWorker {
 public:
  SortAndMeasureWorker(Napi::Env env, MeasureArgs m, double* out, Napi::Value out_value)
      : PromiseWorker(env), args_(std::move(m)), out_(out) {
    refs_.push_back(Napi::Persistent(args_.s.m.data.As<Napi::Object>()));
    refs_.push_back(Napi::Persistent(args_.held_value.As<Napi::Object>()));  // the device copy stays
    if (out_) refs_.push_back(Napi::Persistent(out_value.As<Napi::Object>()));
  }

 protected:
  void Run() override { run_measure(args_, out_, result_); }
  Napi::Value Result(Napi::Env env) override { return result_.to_js(env); }

 private:
  MeasureArgs args_;
  double* out_;
  MeasureResult result_;
  std::vector<Napi::ObjectReference> refs_;
};

Napi::Value SortAndMeasure(const Napi::CallbackInfo& info) {
  MeasureArgs m = measure_args(info);
  Napi::Value keep;
  double* out = measure_output(info, m.s, &keep);
  MeasureResult r;
  run_measure(m, out, r);
  return r.to_js(info.Env());
}

Napi::Value SortAndMeasureAsync(const Napi::CallbackInfo& info) {
  MeasureArgs m = measure_args(info);
  Napi::Value keep;
  double* out = measure_output(info, m.s, &keep);
  return queue(new SortAndMeasureWorker(info.Env(), std::move(m), out, keep));
}

}  // namespace

void AddSortAndMeasure(Napi::Env env, Napi::Object /*cpu*/, Napi::Object cuda) {
  add(env, cuda, "holdSamples", HoldSamples);
  add(env, cuda, "sortAndMeasure", SortAndMeasure);
  add(env, cuda, "sortAndMeasureAsync", SortAndMeasureAsync);
}

}  // namespace mlwatch_addon
