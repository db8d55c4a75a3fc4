// sortColumns(data, rows, cols, firstCol, colCount[, out]) -> { values, counts } (+ Async), and
// ecdfDistances(a, aStart, aCount, b, bStart, bCount) -> { ks, wasserstein } (+ Async).
// Inputs are borrowed zero-copy; the async forms hold references to them until done and write
// into buffers owned by the worker, handed to JS only in OnOK.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
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

void run_sort(const SortArgs& s, double* values, double* counts) {
  with_values(s.m, [&](auto data) { mlwatch::sort_columns(data, s.m.rows, s.m.cols, s.first_col, s.col_count, values, counts); });
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
  void Run() override { run_sort(args_, values_ptr_, counts_ptr_); }
  Napi::Value Result(Napi::Env env) override { return sorted_object(env, values_ref_.Value(), counts_ref_.Value()); }

 private:
  Napi::ObjectReference data_ref_;  // keeps the caller's matrix alive while the worker reads it
  Napi::ObjectReference values_ref_, counts_ref_;
  SortArgs args_;
  double* values_ptr_;
  double* counts_ptr_;
};

// Every (start, count) window must lie inside its sample; checked before any pointer is formed.
std::vector<mlwatch::SamplePair> pair_args(const Napi::CallbackInfo& info) {
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
  auto window = [&](double start, double count, size_t length, const std::string& name) {
    const bool whole = std::floor(start) == start && std::floor(count) == count;
    if (!(start >= 0 && count >= 0 && whole && start <= static_cast<double>(length) &&
          count <= static_cast<double>(length) - start))
      throw Napi::RangeError::New(info.Env(), "Expected a window inside " + name + " (length " +
                                                  std::to_string(length) + ") but received start " +
                                                  std::to_string(start) + ", count " + std::to_string(count));
  };
  std::vector<mlwatch::SamplePair> out(pairs);
  for (size_t k = 0; k < pairs; ++k) {
    window(a_start[k], a_count[k], a.ElementLength(), "a");
    window(b_start[k], b_count[k], b.ElementLength(), "b");
    out[k] = {a.Data() + static_cast<size_t>(a_start[k]), static_cast<size_t>(a_count[k]),
              b.Data() + static_cast<size_t>(b_start[k]), static_cast<size_t>(b_count[k])};
  }
  return out;
}

class EcdfDistancesWorker : public PromiseWorker {
 public:
  EcdfDistancesWorker(Napi::Env env, const Napi::CallbackInfo& info, std::vector<mlwatch::SamplePair> pairs)
      : PromiseWorker(env), pairs_(std::move(pairs)),
        ks_(pairs_.size()), wasserstein_(pairs_.size()) {
    a_ref_ = Napi::Persistent(info[0].As<Napi::Object>());
    b_ref_ = Napi::Persistent(info[3].As<Napi::Object>());
  }

 protected:
  void Run() override { mlwatch::ecdf_distances(pairs_.data(), pairs_.size(), ks_.data(), wasserstein_.data()); }
  Napi::Value Result(Napi::Env env) override { return pair_object(env, "ks", ks_, "wasserstein", wasserstein_); }

 private:
  Napi::ObjectReference a_ref_, b_ref_;  // the samples stay alive while the worker reads them
  std::vector<mlwatch::SamplePair> pairs_;
  std::vector<double> ks_, wasserstein_;
};

}  // namespace

Napi::Value SortColumns(const Napi::CallbackInfo& info) {
  SortArgs s = sort_args(info);
  Napi::Float64Array values = sort_output(info, s);
  Napi::Float64Array counts = Napi::Float64Array::New(info.Env(), s.col_count);
  run_sort(s, values.Data(), counts.Data());
  return sorted_object(info.Env(), values, counts);
}

Napi::Value SortColumnsAsync(const Napi::CallbackInfo& info) {
  SortArgs s = sort_args(info);
  return queue(new SortColumnsWorker(info.Env(), s, sort_output(info, s)));
}

Napi::Value EcdfDistances(const Napi::CallbackInfo& info) {
  std::vector<mlwatch::SamplePair> pairs = pair_args(info);
  std::vector<double> ks(pairs.size()), wasserstein(pairs.size());
  mlwatch::ecdf_distances(pairs.data(), pairs.size(), ks.data(), wasserstein.data());
  return pair_object(info.Env(), "ks", ks, "wasserstein", wasserstein);
}

Napi::Value EcdfDistancesAsync(const Napi::CallbackInfo& info) {
  return queue(new EcdfDistancesWorker(info.Env(), info, pair_args(info)));
}

}  // namespace mlwatch_addon
