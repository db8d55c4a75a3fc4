// Multi-rank selection: the needed ranks are sorted, the middle one is placed with
// std::nth_element, and each side is searched only for the ranks that fall in it. A rank
// right after an already placed one is the minimum of the remaining right part, found by a
// scan instead of another partition. O(n log k) for k ranks.
#include "kernels/quantiles.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace mlwatch {

namespace {

template <typename T>
void select_ranks(T* v, size_t lo, size_t hi, const size_t* ranks, size_t nr) {
  // Invariant: every rank in ranks[0, nr) lies in [lo, hi).
  while (nr > 0) {
    if (nr == 1 && ranks[0] == lo) {
      std::iter_swap(v + lo, std::min_element(v + lo, v + hi));
      return;
    }
    const size_t mid = nr / 2;
    const size_t k = ranks[mid];
    if (k == lo) {
      std::iter_swap(v + lo, std::min_element(v + lo, v + hi));
    } else {
      std::nth_element(v + lo, v + k, v + hi);
    }
    select_ranks(v, lo, k, ranks, mid);
    // Continue with the right part in this frame (no deep recursion on long rank lists).
    lo = k + 1;
    ranks += mid + 1;
    nr -= mid + 1;
  }
}

// NumPy's _lerp: a + (b - a) * g, or b - (b - a) * (1 - g) when g >= 0.5. The difference
// is taken in the input's precision, as NumPy does for float32 arrays.
template <typename T>
double numpy_lerp(T a, T b, double g) {
  const T diff = static_cast<T>(b - a);
  if (g >= 0.5) return static_cast<double>(b) - static_cast<double>(diff) * (1.0 - g);
  return static_cast<double>(a) + static_cast<double>(diff) * g;
}

template <typename T>
void quantiles_impl(const T* values, size_t n, const double* q, size_t nq, double* out) {
  if (nq == 0) return;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) {
    std::fill(out, out + nq, nan);
    return;
  }
  std::vector<T> work(values, values + n);
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(work[i])) {
      std::fill(out, out + nq, nan);
      return;
    }
  }
  const double last = static_cast<double>(n - 1);
  std::vector<size_t> lo(nq), hi(nq);
  std::vector<double> gamma(nq);
  std::vector<size_t> ranks;
  ranks.reserve(2 * nq);
  for (size_t i = 0; i < nq; ++i) {
    const double h = last * q[i];
    if (h >= last) {
      lo[i] = hi[i] = n - 1;
      gamma[i] = h - last;
    } else {
      const double f = std::floor(h < 0 ? 0 : h);
      lo[i] = static_cast<size_t>(f);
      hi[i] = lo[i] + 1;
      gamma[i] = h - f;
    }
    ranks.push_back(lo[i]);
    ranks.push_back(hi[i]);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  select_ranks(work.data(), 0, n, ranks.data(), ranks.size());
  for (size_t i = 0; i < nq; ++i) out[i] = numpy_lerp(work[lo[i]], work[hi[i]], gamma[i]);
}

}  // namespace

void quantiles(const float* values, size_t n, const double* q, size_t nq, double* out) {
  quantiles_impl(values, n, q, nq, out);
}

void quantiles(const double* values, size_t n, const double* q, size_t nq, double* out) {
  quantiles_impl(values, n, q, nq, out);
}

}  // namespace mlwatch
