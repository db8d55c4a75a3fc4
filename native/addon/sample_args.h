// The arguments the sample kernels' bindings share (sortColumns, ecdfDistances, sortAndMeasure):
// a matrix's column range, (start, count) windows checked to lie inside their samples before any
// pointer is formed, optional output arrays, and the result objects.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "addon/args.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace mlwatch_addon {

// Fresh result buffers are first touched by the kernel; on Linux with transparent huge pages in
// "madvise" mode, asking for huge pages turns ~250 000 page faults per GiB into ~500, which
// otherwise cost more than the sort itself. Advice only: errors are ignored.
inline void advise_huge_pages(void* data, size_t bytes) {
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
inline void check_window(Napi::Env env, double start, double count, size_t length, const std::string& name) {
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

inline SortArgs sort_args(const Napi::CallbackInfo& info) {
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
inline Napi::Float64Array sort_output(const Napi::CallbackInfo& info, const SortArgs& s) {
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

inline Napi::Object sorted_object(Napi::Env env, Napi::Value values, Napi::Value counts) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("values", values);
  result.Set("counts", counts);
  return result;
}

inline Napi::Object pair_object(Napi::Env env, const char* a_name, const std::vector<double>& a, const char* b_name,
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

// The arguments of ecdfDistances, every (start, count) window checked to lie inside its sample
// before any pointer is formed.
struct PairArgs {
  Napi::Float64Array a, b;
  std::vector<double> a_start, a_count, b_start, b_count;
  size_t count() const { return a_start.size(); }
};

inline PairArgs pair_args(const Napi::CallbackInfo& info) {
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

}  // namespace mlwatch_addon
