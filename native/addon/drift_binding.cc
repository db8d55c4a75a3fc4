// sortColumns(data, rows, cols, firstCol, colCount[, out]) -> { values, counts } (+ Async), and
// ecdfDistances(a, aStart, aCount, b, bStart, bCount) -> { ks, wasserstein } (+ Async), CPU and
// CUDA; for CUDA also holdSamples(values) -> a handle to a device copy, and
// sortAndMeasure(data, rows, cols, firstCol, colCount, held, aStart, aCount, column[, out])
// -> { counts, ks, wasserstein } (+ Async): sortColumns and the distances to held reference
// windows in one call, the sorted columns copied back only into `out` when it is given.
// Inputs are borrowed zero-copy; the async forms hold references to them until done and write
// into buffers owned by the worker, handed to JS only in OnOK.
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
#include "kernels/ecdf_distances.h"
#include "kernels/sort_columns.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace mlwatch_addon {

namespace {

// Fresh result buffers are first touched by the kernel; on Linux with transparent huge pages in
// "madvise" mode, asking for huge pages turns ~250 000 page faults per GiB into ~500, which
// otherwise cost more than the sort itself. Advice only: errors are ignored.
void advise_huge_pages(void* data, size_t bytes) {
#ifdef __linux__
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// A (start, count) window inside an array of `length` values.
void check_window(Napi::Env env, double start, double count, size_t length, const std::string& name) {
  const bool whole = std::floor(start) == start && std::floor(count) == count;
  if (!(start >= 0 && count >= 0 && whole && start <= static_cast<double>(length) &&
        count <= static_cast<double>(length) - start))
    throw Napi::RangeError::New(env, "Expected a window inside " + name + " (length " + std::to_string(length) +
                                         ") but received start " + std::to_string(start) + ", count " + std::to_string(count));
}

struct SortArgs {
  MatrixArgs m;
  size_t first_col, col_count;
};

SortArgs sort_args(const Napi::CallbackInfo& info) {
  SortArgs s{matrix_args(info), index_arg(info, 3, "firstCol"), count_arg(info, 4, "colCount")};
  if (s.first_col >= s.m.cols || s.col_count > s.m.cols - s.first_col)
    throw Napi::RangeError::New(info.Env(), "Expected firstCol + colCount <= cols (" + std::to_string(s.m.cols) +
                                                ") but received firstCol " + std::to_string(s.first_col) +
                                                ", colCount " + std::to_string(s.col_count));
  if (s.m.rows > std::numeric_limits<size_t>::max() / 8 / s.col_count)
    throw Napi::RangeError::New(info.Env(), "Expected rows * colCount to fit in memory but received too many values");
  return s;
}

// The optional 6th argument: a caller's Float64Array of at least rows * colCount values to
// write into, else a new one (advised to use huge pages).
Napi::Float64Array sort_output(const Napi::CallbackInfo& info, const SortArgs& s) {
  const size_t needed = s.m.rows * s.col_count;
  if (info.Length() > 5 && !info[5].IsUndefined()) {
    Napi::Float64Array out = float64_array_arg(info, 5, "out");
    if (out.ElementLength() < needed)
      throw Napi::RangeError::New(info.Env(), "Expected out.length >= rows * colCount (" + std::to_string(needed) +
                                                  ") but received out.length " + std::to_string(out.ElementLength()));
    return out;
  }
  Napi::Float64Array values = Napi::Float64Array::New(info.Env(), needed);
  advise_huge_pages(values.Data(), values.ByteLength());
  return values;
}

template <class K>
void run_sort(const SortArgs& s, double* values, double* counts) {
  with_values(s.m, [&](auto data) { K::sort_columns(data, s.m.rows, s.m.cols, s.first_col, s.col_count, values, counts); });
}

Napi::Object sorted_object(Napi::Env env, Napi::Value values, Napi::Value counts) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("values", values);
  result.Set("counts", counts);
  return result;
}

Napi::Object pair_object(Napi::Env env, const char* a_name, const std::vector<double>& a, const char* b_name,
                         const std::vector<double>& b) {
  Napi::Object result = Napi::Object::New(env);
  Napi::Float64Array ja = Napi::Float64Array::New(env, a.size());
  std::copy(a.begin(), a.end(), ja.Data());
  Napi::Float64Array jb = Napi::Float64Array::New(env, b.size());
  std::copy(b.begin(), b.end(), jb.Data());
  result.Set(a_name, ja);
  result.Set(b_name, jb);
  return result;
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

// The arguments of ecdfDistances, every (start, count) window checked to lie inside its sample
// before any pointer is formed.
struct PairArgs {
  Napi::Float64Array a, b;
  std::vector<double> a_start, a_count, b_start, b_count;
  size_t count() const { return a_start.size(); }
};

PairArgs pair_args(const Napi::CallbackInfo& info) {
  Napi::Float64Array a = float64_array_arg(info, 0, "a");
  Napi::Float64Array a_start = float64_array_arg(info, 1, "aStart");
  Napi::Float64Array a_count = float64_array_arg(info, 2, "aCount");
  Napi::Float64Array b = float64_array_arg(info, 3, "b");
  Napi::Float64Array b_start = float64_array_arg(info, 4, "bStart");
  Napi::Float64Array b_count = float64_array_arg(info, 5, "bCount");
  const size_t pairs = a_start.ElementLength();
  if (a_count.ElementLength() != pairs || b_start.ElementLength() != pairs || b_count.ElementLength() != pairs)
    throw Napi::RangeError::New(info.Env(), "Expected aStart, aCount, bStart and bCount of one length but received " +
                                                std::to_string(pairs) + ", " + std::to_string(a_count.ElementLength()) +
                                                ", " + std::to_string(b_start.ElementLength()) + ", " +
                                                std::to_string(b_count.ElementLength()));
  PairArgs out{a, b, {}, {}, {}, {}};
  for (size_t k = 0; k < pairs; ++k) {
    check_window(info.Env(), a_start[k], a_count[k], a.ElementLength(), "a");
    check_window(info.Env(), b_start[k], b_count[k], b.ElementLength(), "b");
    out.a_start.push_back(a_start[k]);
    out.a_count.push_back(a_count[k]);
    out.b_start.push_back(b_start[k]);
    out.b_count.push_back(b_count[k]);
  }
  return out;
}

template <class K>
void run_distances(const PairArgs& p, const double* a, const double* b, double* ks, double* wasserstein) {
  if constexpr (K::kCuda) {
    mlwatch::cuda::ecdf_distances(a, p.a.ElementLength(), b, p.b.ElementLength(),
                                  {p.a_start.data(), p.a_count.data(), p.b_start.data(), p.b_count.data(), p.count()}, ks,
                                  wasserstein);
  } else {
    std::vector<mlwatch::SamplePair> pairs(p.count());
    for (size_t k = 0; k < p.count(); ++k)
      pairs[k] = {a + static_cast<size_t>(p.a_start[k]), static_cast<size_t>(p.a_count[k]),
                  b + static_cast<size_t>(p.b_start[k]), static_cast<size_t>(p.b_count[k])};
    mlwatch::ecdf_distances(pairs.data(), pairs.size(), ks, wasserstein);
  }
}

template <class K>
class EcdfDistancesWorker : public PromiseWorker {
 public:
  EcdfDistancesWorker(Napi::Env env, PairArgs p)
      : PromiseWorker(env), args_(std::move(p)), a_(args_.a.Data()), b_(args_.b.Data()),
        ks_(args_.count()), wasserstein_(args_.count()) {
    a_ref_ = Napi::Persistent(args_.a.As<Napi::Object>());
    b_ref_ = Napi::Persistent(args_.b.As<Napi::Object>());
  }

 protected:
  void Run() override { run_distances<K>(args_, a_, b_, ks_.data(), wasserstein_.data()); }
  Napi::Value Result(Napi::Env env) override { return pair_object(env, "ks", ks_, "wasserstein", wasserstein_); }

 private:
  Napi::ObjectReference a_ref_, b_ref_;  // the samples stay alive while the worker reads them
  PairArgs args_;
  const double* a_;
  const double* b_;
  std::vector<double> ks_, wasserstein_;
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

template <class K>
Napi::Value EcdfDistances(const Napi::CallbackInfo& info) {
  PairArgs p = pair_args(info);
  std::vector<double> ks(p.count()), wasserstein(p.count());
  run_distances<K>(p, p.a.Data(), p.b.Data(), ks.data(), wasserstein.data());
  return pair_object(info.Env(), "ks", ks, "wasserstein", wasserstein);
}

template <class K>
Napi::Value EcdfDistancesAsync(const Napi::CallbackInfo& info) {
  return queue(new EcdfDistancesWorker<K>(info.Env(), pair_args(info)));
}

// ---- held samples and sortAndMeasure (CUDA) --------------------------------------------------

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

void AddDrift(Napi::Env env, Napi::Object cpu, Napi::Object cuda) {
  add(env, cpu, "sortColumns", SortColumns<CpuKernels>);
  add(env, cpu, "sortColumnsAsync", SortColumnsAsync<CpuKernels>);
  add(env, cpu, "ecdfDistances", EcdfDistances<CpuKernels>);
  add(env, cpu, "ecdfDistancesAsync", EcdfDistancesAsync<CpuKernels>);
  add(env, cuda, "sortColumns", SortColumns<CudaKernels>);
  add(env, cuda, "sortColumnsAsync", SortColumnsAsync<CudaKernels>);
  add(env, cuda, "ecdfDistances", EcdfDistances<CudaKernels>);
  add(env, cuda, "ecdfDistancesAsync", EcdfDistancesAsync<CudaKernels>);
  add(env, cuda, "holdSamples", HoldSamples);
  add(env, cuda, "sortAndMeasure", SortAndMeasure);
  add(env, cuda, "sortAndMeasureAsync", SortAndMeasureAsync);
}

}  // namespace mlwatch_addon
