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

#include "kernels/cpu_features.h"
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
  std::vector<uint64_t> below;          // below[i]: values < the start of bracket i
  std::vector<std::vector<T>> buckets;  // values inside bracket i
  bool nan = false;
};

constexpr size_t kBlock = 512;  // values per block: 4 KiB of doubles, read once per bracket from L1

// Counts, for every bracket k, the block's values below its start (into below[k]), and writes in
// which[i] the number (1-based) of the bracket holding x[i], or 0. Plain loops over the block,
// one bracket at a time, without branches, so that the compiler vectorises them; it does so
// only for AVX2 (the x86-64 baseline lacks the conversions), hence the two entry points below,
// which share this one body.
template <typename T>
__attribute__((always_inline)) inline uint64_t count_block_body(const T* x, size_t len, const double* starts,
                                                                const double* ends, size_t m, uint64_t* below,
                                                                uint64_t* which) {
  uint64_t nans = 0;
  for (size_t i = 0; i < len; ++i) {
    const double v = static_cast<double>(x[i]);
    nans += static_cast<uint64_t>(v != v);
    which[i] = 0;
  }
  for (size_t k = 0; k < m; ++k) {
    const double a = starts[k], b = ends[k];
    const uint64_t id = k + 1;
    uint64_t c = 0;
    for (size_t i = 0; i < len; ++i) {
      const double v = static_cast<double>(x[i]);
      c += static_cast<uint64_t>(v < a);
      // Brackets are disjoint: at most one k sets which[i].
      which[i] |= id & (0 - static_cast<uint64_t>((v >= a) & (v <= b)));
    }
    below[k] += c;
  }
  return nans;
}

template <typename T>
uint64_t count_block_portable(const T* x, size_t len, const double* starts, const double* ends, size_t m,
                              uint64_t* below, uint64_t* which) {
  return count_block_body(x, len, starts, ends, m, below, which);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
template <typename T>
__attribute__((target("avx2,fma"))) uint64_t count_block_avx2(const T* x, size_t len, const double* starts,
                                                              const double* ends, size_t m, uint64_t* below,
                                                              uint64_t* which) {
  return count_block_body(x, len, starts, ends, m, below, which);
}
#endif

template <typename T>
using CountBlock = uint64_t (*)(const T*, size_t, const double*, const double*, size_t, uint64_t*, uint64_t*);

// The block counter this CPU runs (MLWATCH_SIMD=baseline forces the portable one).
template <typename T>
CountBlock<T> count_block() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (simd_level() == SimdLevel::Avx2Fma) return &count_block_avx2<T>;
#endif
  return &count_block_portable<T>;
}

enum class BracketOutcome { Done, HasNan, Missed };

template <typename T>
BracketOutcome select_by_brackets(const T* values, size_t n, const std::vector<size_t>& ranks,
                                  std::vector<T>& out_values) {
  // 1. A random sample (a fixed-seed LCG: the speed, never the result, depends on it).
  const size_t s = std::min<size_t>(65536, std::max<size_t>(4096, n / 64));
  std::vector<double> sample(s);
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < s; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    sample[i] = static_cast<double>(values[(state >> 11) % n]);
    if (std::isnan(sample[i])) return BracketOutcome::HasNan;
  }

  // 2. Brackets: +-5 standard deviations of a sample rank (binomial: sqrt(s q (1 - q))) around
  //    each rank's expected place in the sample; a place off either end of the sample is an
  //    infinite bound. Only the sample's values at those places are selected, not the whole
  //    sample sorted.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> lo_place(ranks.size()), hi_place(ranks.size());
  std::vector<size_t> places;
  for (size_t r = 0; r < ranks.size(); ++r) {
    const double q = static_cast<double>(ranks[r]) / static_cast<double>(n - 1);
    const double p = q * static_cast<double>(s - 1);
    const double spread = 5.0 * std::sqrt(static_cast<double>(s) * q * (1.0 - q)) + 3.0;
    lo_place[r] = std::floor(p - spread);
    hi_place[r] = std::ceil(p + spread);
    if (lo_place[r] > 0) places.push_back(static_cast<size_t>(lo_place[r]));
    if (hi_place[r] < static_cast<double>(s - 1)) places.push_back(static_cast<size_t>(hi_place[r]));
  }
  std::sort(places.begin(), places.end());
  places.erase(std::unique(places.begin(), places.end()), places.end());
  select_ranks(sample.data(), 0, s, places.data(), places.size());
  std::vector<Bracket> brackets;
  for (size_t r = 0; r < ranks.size(); ++r) {
    const double a = lo_place[r] <= 0 ? -inf : sample[static_cast<size_t>(lo_place[r])];
    const double b = hi_place[r] >= static_cast<double>(s - 1) ? inf : sample[static_cast<size_t>(hi_place[r])];
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
    part.below.assign(m, 0);
    uint64_t which[kBlock];
    uint32_t inside[kBlock];
    const CountBlock<T> count = count_block<T>();
    uint64_t nans = 0;
    const size_t i0 = std::min(n, t * per_task), i1 = std::min(n, i0 + per_task);
    for (size_t b0 = i0; b0 < i1; b0 += kBlock) {
      const size_t len = std::min(kBlock, i1 - b0);
      nans += count(values + b0, len, starts.data(), ends.data(), m, part.below.data(), which);
      // A few percent of the values fall in a bracket: gather their indexes without a branch per
      // value (the write is kept only when the index advances), then copy those values out.
      size_t found = 0;
      for (size_t i = 0; i < len; ++i) {
        inside[found] = static_cast<uint32_t>(i);
        found += which[i] != 0;
      }
      for (size_t f = 0; f < found; ++f) {
        const size_t i = inside[f];
        part.buckets[which[i] - 1].push_back(values[b0 + i]);
      }
    }
    part.nan = nans > 0;
  });

  // 4. Check every rank is inside its bracket, then select within the bracket.
  for (size_t i = 0; i < m; ++i) {
    std::vector<T> bucket;
    uint64_t below = 0;
    for (size_t t = 0; t < tasks; ++t) {
      if (parts[t].nan) return BracketOutcome::HasNan;
      below += parts[t].below[i];
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
