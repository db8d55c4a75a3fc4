// Twin of src/backend/js/quantiles.ts (the js backend) and native/cuda/quantiles.cu (the cuda backend).
// Exact quantiles without sorting or copying the whole sample.
//
// Small samples: a private copy and multi-rank selection (std::nth_element on the middle rank,
// then each side for the ranks that fall in it).
//
// Large samples: a sorted random sample gives, for each needed rank, a value interval [a, b]
// that holds it with overwhelming probability. One parallel pass over the caller's array then
// counts the values below each interval and copies out the few values inside it; the ranks
// are selected within those small buckets. The counts prove the bracket: if a rank does not
// fall inside its bucket (an unlucky sample), the small-sample path runs instead, so results
// are always exact. The caller's array is only read.
#include "kernels/quantiles.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/thread_pool.h"

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

constexpr size_t kBracketMinN = 1 << 17;   // below this, copy + select is as fast
constexpr size_t kTaskElements = 1 << 18;  // elements per task of the bracketing pass

// Copy + multi-rank selection. Writes the value of each rank (sorted, unique) to out_values.
// Returns false when the sample holds a NaN.
template <typename T>
bool select_by_copy(const T* values, size_t n, const std::vector<size_t>& ranks, std::vector<T>& out_values) {
  std::vector<T> work(values, values + n);
  for (size_t i = 0; i < n; ++i)
    if (std::isnan(work[i])) return false;
  select_ranks(work.data(), 0, n, ranks.data(), ranks.size());
  for (size_t i = 0; i < ranks.size(); ++i) out_values[i] = work[ranks[i]];
  return true;
}

// A value interval [a, b] expected to hold the ranks first_rank .. last_rank (indexes into ranks).
struct Bracket {
  double a, b;
  size_t first_rank, last_rank;
};

// One task's share of the bracketing pass.
template <typename T>
struct BracketCounts {
  std::vector<uint64_t> hist;           // hist[j]: values with exactly j bracket starts <= value
  std::vector<std::vector<T>> buckets;  // values inside bracket i
  bool nan = false;
};

enum class BracketOutcome { Done, HasNan, Missed };

template <typename T>
BracketOutcome select_by_brackets(const T* values, size_t n, const std::vector<size_t>& ranks,
                                  std::vector<T>& out_values) {
  // 1. A sorted random sample (a fixed-seed LCG: the speed, never the result, depends on it).
  const size_t s = std::min<size_t>(65536, std::max<size_t>(4096, n / 64));
  std::vector<double> sample(s);
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < s; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    sample[i] = static_cast<double>(values[(state >> 11) % n]);
    if (std::isnan(sample[i])) return BracketOutcome::HasNan;
  }
  std::sort(sample.begin(), sample.end());

  // 2. Brackets: +-5 standard deviations of a sample rank (binomial: sqrt(s q (1 - q))) around
  //    each rank's expected place in the sample.
  std::vector<Bracket> brackets;
  for (size_t r = 0; r < ranks.size(); ++r) {
    const double q = static_cast<double>(ranks[r]) / static_cast<double>(n - 1);
    const double p = q * static_cast<double>(s - 1);
    const double spread = 5.0 * std::sqrt(static_cast<double>(s) * q * (1.0 - q)) + 3.0;
    const double lo = std::floor(p - spread), hi = std::ceil(p + spread);
    const double a = lo <= 0 ? -std::numeric_limits<double>::infinity() : sample[static_cast<size_t>(lo)];
    const double b = hi >= static_cast<double>(s - 1) ? std::numeric_limits<double>::infinity()
                                                      : sample[static_cast<size_t>(hi)];
    if (!brackets.empty() && a <= brackets.back().b) {
      brackets.back().b = std::max(brackets.back().b, b);
      brackets.back().last_rank = r;
    } else {
      brackets.push_back({a, b, r, r});
    }
  }
  const size_t m = brackets.size();
  std::vector<double> starts(m), ends(m);
  for (size_t i = 0; i < m; ++i) {
    starts[i] = brackets[i].a;
    ends[i] = brackets[i].b;
  }

  // 3. One pass over the caller's values, in parallel tasks merged in order.
  const size_t tasks = std::max<size_t>(1, std::min<size_t>(64, n / kTaskElements));
  const size_t per_task = (n + tasks - 1) / tasks;
  std::vector<BracketCounts<T>> parts(tasks);
  parallel_for(tasks, [&](size_t t) {
    BracketCounts<T>& part = parts[t];
    part.buckets.resize(m);
    // Four interleaved histograms: consecutive values usually land in the same gap, and one
    // counter incremented back to back would serialise on store-to-load forwarding.
    std::vector<uint64_t> hist4(4 * (m + 1), 0);
    const double* S = starts.data();
    const double* E = ends.data();
    const size_t i0 = std::min(n, t * per_task), i1 = std::min(n, i0 + per_task);
    bool nan = false;
    for (size_t i = i0; i < i1; ++i) {
      const T x = values[i];
      const double xd = static_cast<double>(x);
      nan |= (xd != xd);
      size_t j = 0;
      for (size_t k = 0; k < m; ++k) j += (S[k] <= xd);
      ++hist4[(i & 3) * (m + 1) + j];
      if (j > 0 && xd <= E[j - 1]) part.buckets[j - 1].push_back(x);
    }
    part.hist.assign(m + 1, 0);
    for (size_t c = 0; c < 4; ++c)
      for (size_t j = 0; j <= m; ++j) part.hist[j] += hist4[c * (m + 1) + j];
    part.nan = nan;
  });

  // 4. Check every rank is inside its bracket, then select within the bracket. Values below
  //    bracket i are those with at most i bracket starts <= value: hist[0] + ... + hist[i].
  uint64_t below = 0;
  for (size_t i = 0; i < m; ++i) {
    std::vector<T> bucket;
    for (size_t t = 0; t < tasks; ++t) {
      if (parts[t].nan) return BracketOutcome::HasNan;
      below += parts[t].hist[i];
      bucket.insert(bucket.end(), parts[t].buckets[i].begin(), parts[t].buckets[i].end());
    }
    const Bracket& br = brackets[i];
    if (ranks[br.first_rank] < below || ranks[br.last_rank] >= below + bucket.size()) return BracketOutcome::Missed;
    std::vector<size_t> local;
    for (size_t r = br.first_rank; r <= br.last_rank; ++r) local.push_back(ranks[r] - below);
    select_ranks(bucket.data(), 0, bucket.size(), local.data(), local.size());
    for (size_t r = br.first_rank; r <= br.last_rank; ++r) out_values[r] = bucket[ranks[r] - below];
  }
  return BracketOutcome::Done;
}

template <typename T>
void quantiles_impl(const T* values, size_t n, const double* q, size_t nq, double* out) {
  if (nq == 0) return;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) {
    std::fill(out, out + nq, nan);
    return;
  }
  // NumPy's 'linear' method: interpolate between ranks floor((n - 1) q) and the next one.
  std::vector<size_t> lo(nq), hi(nq);
  std::vector<double> gamma(nq);
  std::vector<size_t> ranks;
  ranks.reserve(2 * nq);
  for (size_t i = 0; i < nq; ++i) {
    const LinearRanks r = linear_ranks(n, q[i]);
    lo[i] = r.lo;
    hi[i] = r.hi;
    gamma[i] = r.gamma;
    ranks.push_back(lo[i]);
    ranks.push_back(hi[i]);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());

  std::vector<T> rank_values(ranks.size());
  bool ok;
  if (n >= kBracketMinN) {
    const BracketOutcome outcome = select_by_brackets(values, n, ranks, rank_values);
    ok = outcome != BracketOutcome::HasNan &&
         (outcome == BracketOutcome::Done || select_by_copy(values, n, ranks, rank_values));
  } else {
    ok = select_by_copy(values, n, ranks, rank_values);
  }
  if (!ok) {  // a NaN in the sample: every result is NaN, as numpy.quantile
    std::fill(out, out + nq, nan);
    return;
  }
  auto value_of = [&](size_t rank) {
    return rank_values[static_cast<size_t>(std::lower_bound(ranks.begin(), ranks.end(), rank) - ranks.begin())];
  };
  for (size_t i = 0; i < nq; ++i) out[i] = numpy_lerp(value_of(lo[i]), value_of(hi[i]), gamma[i]);
}

}  // namespace

LinearRanks linear_ranks(size_t n, double q) {
  const double last = static_cast<double>(n - 1);
  const double h = last * q;
  if (h >= last) return {n - 1, n - 1, h - last};
  const double f = std::floor(h < 0 ? 0 : h);
  const size_t lo = static_cast<size_t>(f);
  return {lo, lo + 1, h - f};
}

void quantiles(const float* values, size_t n, const double* q, size_t nq, double* out) {
  quantiles_impl(values, n, q, nq, out);
}

void quantiles(const double* values, size_t n, const double* q, size_t nq, double* out) {
  quantiles_impl(values, n, q, nq, out);
}

}  // namespace mlwatch
