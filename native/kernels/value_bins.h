// Bins by value for the distances of unsorted samples (ks_distance, wasserstein_distance): a
// monotone map from a value to one of kValueBins bins, so that each bin holds a contiguous
// stretch of the pooled sorted order with ties together, and the gather, sort and walk of the
// few bins a kernel cannot settle from per-bin summaries. Twin of src/backend/js/value-bins.ts.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/ecdf_distances.h"
#include "kernels/float_keys.h"
#include "kernels/radix_sort.h"
#include "kernels/sort_columns.h"
#include "kernels/thread_pool.h"

namespace mlwatch {

// Shared with value-bins.ts (speed only: no answer depends on them).
constexpr size_t kValueBins = size_t{1} << 16;
// Below this many values in both samples together the kernels sort and walk them whole: setting up
// 65 536 bins then costs more than the sort (measured: the crossover lies near 10^5 a sample).
constexpr size_t kValueBinsMinimum = size_t{1} << 17;
constexpr size_t kValueBinsSampleEach = 4096;
constexpr double kValueBinsTailShare = 0.001;

// bin(x) = 0 below lo, kValueBins - 1 above hi, 1 + floor((x/2 - lo/2) * scale) between: every
// step is monotone in x (rounding included), so x <= y implies bin(x) <= bin(y). Halves keep
// hi - lo finite for any finite lo and hi. lo and hi are the 0.1 % and 99.9 % points of a strided
// sample of both samples: for a smooth distribution a bin holds ~1/65536 of the values; a sample
// concentrated on few values leaves big bins, which makes the kernels slower, never wrong.
struct ValueBins {
  double half_lo = 0;
  double scale = 0;
  double width = 0;  // of an inner bin in x, 2 / scale (0 when scale is 0)

  size_t operator()(double x) const {
    const double t = (x * 0.5 - half_lo) * scale;
    if (!(t >= 0)) return 0;
    if (t >= static_cast<double>(kValueBins - 2)) return kValueBins - 1;
    return 1 + static_cast<size_t>(t);
  }

  // A value near the low end of inner bin k (1 <= k <= kValueBins - 2), from k alone: the point
  // that bin's sums are taken from (only its nearness matters, not its exact place).
  double start(size_t k) const { return 2.0 * half_lo + static_cast<double>(k - 1) * width; }
};

template <typename T>
void sample_finite(const T* v, size_t n, std::vector<double>& out) {
  const size_t step = std::max<size_t>(1, n / kValueBinsSampleEach);
  for (size_t i = 0; i < n; i += step) {
    const double x = static_cast<double>(v[i]);
    if (std::isfinite(x)) out.push_back(x);
  }
}

template <typename TA, typename TB>
ValueBins value_bins_of(const TA* a, size_t la, const TB* b, size_t lb) {
  // Each sample's strided reads (a cache and TLB miss each) on its own thread; then only the two
  // order statistics are selected, not the whole sample sorted: the same lo and hi.
  std::vector<double> part[2];
  parallel_for(2, [&](size_t s) {
    if (s == 0) sample_finite(a, la, part[0]);
    else sample_finite(b, lb, part[1]);
  });
  std::vector<double>& sample = part[0];
  sample.insert(sample.end(), part[1].begin(), part[1].end());
  ValueBins bins;
  if (sample.empty()) return bins;
  const size_t tail = static_cast<size_t>(kValueBinsTailShare * static_cast<double>(sample.size()));
  std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(tail), sample.end());
  const double lo = sample[tail];
  const size_t top = sample.size() - 1 - tail;
  std::nth_element(sample.begin() + static_cast<std::ptrdiff_t>(tail), sample.begin() + static_cast<std::ptrdiff_t>(top), sample.end());
  const double hi = sample[top];
  bins.half_lo = lo * 0.5;
  const double half_width = hi * 0.5 - lo * 0.5;
  const double scale = half_width > 0 ? static_cast<double>(kValueBins - 2) / half_width : 0.0;
  bins.scale = std::isfinite(scale) ? scale : 0.0;
  bins.width = bins.scale > 0 ? 2.0 / bins.scale : 0.0;
  return bins;
}

// The order-preserving key of a finite value, -0 first made +0 (they are one value to the walk).
inline uint64_t bin_key_of(double x) { return to_key<double>(x + 0.0); }

// The finite values of range [i0, i1) of v whose bin is marked in `walked`, as keys, to `to`.
template <typename T>
void gather_walked_keys(const T* v, size_t i0, size_t i1, const ValueBins& bin, const uint8_t* walked, uint64_t* to) {
  for (size_t i = i0; i < i1; ++i) {
    const double x = static_cast<double>(v[i]);
    if (std::isfinite(x) && walked[bin(x)]) *to++ = bin_key_of(x);
  }
}

// Radix-sorts n gathered keys (split across the pool when long) and returns them as doubles.
inline std::vector<double> sorted_doubles(std::vector<uint64_t>& keys) {
  const size_t n = keys.size();
  std::vector<uint64_t> scratch(n);
  const size_t parts = std::min<size_t>(static_cast<size_t>(thread_count()), std::max<size_t>(1, n / (size_t{1} << 16)));
  const uint64_t* sorted = radix_sort(keys.data(), scratch.data(), n, parts);
  std::vector<double> out(n);
  for (size_t p = 0; p < n; ++p) out[p] = from_key<double>(sorted[p]);
  return out;
}

// The walk over both samples' finite values sorted: the state ecdf_walk leaves (na, nb set even
// when a sample has no finite value), for samples too small to bin.
template <typename TA, typename TB>
EcdfWalkState sorted_walk(const TA* a, size_t la, const TB* b, size_t lb) {
  std::vector<double> da(la), db(lb);
  double na = 0, nb = 0;
  sort_columns(a, la, 1, 0, 1, da.data(), &na);
  sort_columns(b, lb, 1, 0, 1, db.data(), &nb);
  EcdfWalkState s{na, nb, 0, 0, 0, 0, 0, 0, 0};
  if (na > 0 && nb > 0) ecdf_walk(da.data(), static_cast<size_t>(na), true, db.data(), static_cast<size_t>(nb), true, s);
  return s;
}

}  // namespace mlwatch
