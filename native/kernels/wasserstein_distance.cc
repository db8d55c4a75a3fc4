// Twin of src/backend/js/wasserstein-distance.ts (the js backend; the cuda backend uses this one).
//
// Why no sort: W = ∫ |Fa - Fb| dx. The finite values are summarized into bins by value
// (value_bins.h: a monotone map, so each bin holds a contiguous stretch of the pooled sorted
// order): per bin and sample a count, the sum of (x - start of the bin), the least and the largest
// value. Between two bins the walk's term is |D| (D = i/na - j/nb after the earlier bin, exact
// from the counts) times the gap from one bin's largest value to the next one's least. Inside a
// bin, D moves between i/na - (j + cb)/nb and (i + ca)/na - j/nb; where that range does not cross
// 0, |∫ D| over [least, most] is exact in closed form:
//   ∫ (Fa - Fb) = D (most - least) + Σa (most - x) / na - Σb (most - x) / nb,
//   Σ (most - x) = c (most - start) - Σ (x - start),
// sums taken from a point near the bin (and compensated) so they keep the precision of the bin's
// width. The closed form is used only where its rounding error is bounded below 1e-14 of its
// value: ca·top − Σ cancels when a bin's values crowd at its top, and its two sample terms cancel
// when they nearly balance; every contribution is non-negative, so the whole sum then keeps that
// relative accuracy. A bin whose values are all equal contributes exactly 0. The other bins
// (where D crosses 0, the two open-ended outer bins, and any whose closed form overflows or cannot
// be trusted) are gathered, sorted and walked from a state at the counts before them. For a
// smooth pair of samples that is a small share of the values; two samples drawn alike make D
// cross 0 more often and walk more.
#include "kernels/wasserstein_distance.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/call_scratch.h"
#include "kernels/compensated.h"
#include "kernels/ecdf_distances.h"
#include "kernels/thread_pool.h"
#include "kernels/value_bins.h"

namespace mlwatch {

namespace {

constexpr size_t kBins = kValueBins;
// Values per chunk of the summary pass. Fixed, not per thread: chunk sums are added in chunk
// order, so the result does not depend on the number of threads.
constexpr size_t kChunk = size_t{1} << 20;
// Bins merged per task when a sample has several chunks.
constexpr size_t kMergeBins = 4096;
// The closed form's rounding error may be at most this share of its value.
constexpr double kClosedFormError = 1e-14;

// The call_scratch buffers of this kernel.
struct WassersteinTables;
struct WassersteinWalked;

struct BinSummary {
  uint64_t count;
  Compensated sum;  // Σ (x - bin.start(k)), inner bins only
  double least;
  double most;
};

constexpr BinSummary kEmpty{0, {}, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};

// Summaries of the finite values of v[i0, i1). Per block, the bins first (a pass the compiler
// can vectorize), then the updates, each bin's table line prefetched a few values ahead: the
// tables (2 MiB a sample) miss the L2 cache, and the misses then overlap.
template <typename T>
void summarize(const T* v, size_t i0, size_t i1, const ValueBins& bin, BinSummary* out) {
  constexpr size_t kBlock = 256, kAhead = 16;
  uint32_t bins[kBlock];
  double xs[kBlock];
  for (size_t b0 = i0; b0 < i1; b0 += kBlock) {
    const size_t m = std::min(kBlock, i1 - b0);
    size_t f = 0;
    for (size_t i = 0; i < m; ++i) {
      const double x = static_cast<double>(v[b0 + i]);
      xs[f] = x;
      bins[f] = static_cast<uint32_t>(bin(x));
      f += std::isfinite(x);
    }
    for (size_t i = 0; i < f; ++i) {
      if (i + kAhead < f) __builtin_prefetch(&out[bins[i + kAhead]], 1);
      const double x = xs[i];
      const size_t k = bins[i];
      BinSummary& s = out[k];
      ++s.count;
      if (k != 0 && k != kBins - 1) s.sum.add(x - bin.start(k));
      s.least = std::min(s.least, x);
      s.most = std::max(s.most, x);
    }
  }
}

// One sample's chunk summaries and their merge, in tables the caller owns (kBins each: one per
// chunk, and one for the merge when there are several chunks).
struct SampleBins {
  size_t chunks = 0;
  BinSummary* tables = nullptr;
  const BinSummary* merged = nullptr;

  explicit SampleBins(size_t n) : chunks(std::max<size_t>(1, (n + kChunk - 1) / kChunk)) {}

  // Tables this sample needs.
  size_t table_count() const { return chunks + (chunks > 1 ? 1 : 0); }
  void use(BinSummary* storage) { tables = storage; }
  BinSummary* chunk(size_t c) const { return tables + c * kBins; }

  std::pair<size_t, size_t> range(size_t n, size_t c) const { return {std::min(n, c * kChunk), std::min(n, (c + 1) * kChunk)}; }

  // Adds the chunks bin by bin, in chunk order (on the pool, by ranges of bins).
  void merge() {
    if (chunks == 1) {
      merged = chunk(0);
      return;
    }
    BinSummary* merged_store = chunk(chunks);  // the table after the chunks'
    parallel_for(kBins / kMergeBins, [&](size_t r) {
      for (size_t k = r * kMergeBins; k < (r + 1) * kMergeBins; ++k) {
        BinSummary s = chunk(0)[k];
        for (size_t c = 1; c < chunks; ++c) {
          const BinSummary& o = chunk(c)[k];
          s.count += o.count;
          s.sum.add(o.sum.sum);
          s.sum.add(o.sum.comp);
          s.least = std::min(s.least, o.least);
          s.most = std::max(s.most, o.most);
        }
        merged_store[k] = s;
      }
    });
    merged = merged_store;
  }

  size_t total() const {
    size_t n = 0;
    for (size_t k = 0; k < kBins; ++k) n += merged[k].count;
    return n;
  }
};

template <typename TA, typename TB>
WassersteinDistance wasserstein_distance_impl(const TA* a, size_t la, const TB* b, size_t lb) {
  if (la + lb < kValueBinsMinimum) {
    const EcdfWalkState s = sorted_walk(a, la, b, lb);
    return {ecdf_walk_wasserstein(s), s.na, s.nb};
  }
  const ValueBins bin = value_bins_of(a, la, b, lb);
  SampleBins sa(la), sb(lb);
  std::vector<BinSummary>& storage = call_scratch<WassersteinTables, BinSummary>();  // 2.6 MB a table
  const size_t tables = sa.table_count() + sb.table_count();
  if (storage.size() < tables * kBins) storage.resize(tables * kBins);
  sa.use(storage.data());
  sb.use(storage.data() + sa.table_count() * kBins);
  // Tasks [0, sa.chunks) summarize a's chunks, the rest b's; each fills its own table.
  parallel_for(sa.chunks + sb.chunks, [&](size_t t) {
    const bool is_a = t < sa.chunks;
    SampleBins& s = is_a ? sa : sb;
    const size_t c = is_a ? t : t - sa.chunks;
    std::fill(s.chunk(c), s.chunk(c) + kBins, kEmpty);
    if (is_a) {
      const auto [i0, i1] = sa.range(la, c);
      summarize(a, i0, i1, bin, s.chunk(c));
    } else {
      const auto [i0, i1] = sb.range(lb, c);
      summarize(b, i0, i1, bin, s.chunk(c));
    }
  });
  sa.merge();
  sb.merge();
  const size_t na = sa.total(), nb = sb.total();
  WassersteinDistance out{std::numeric_limits<double>::quiet_NaN(), static_cast<double>(na), static_cast<double>(nb)};
  if (na == 0 || nb == 0) return out;
  const double fa = static_cast<double>(na), fb = static_cast<double>(nb);
  // The walk's expression for D after i values of a and j of b.
  auto diff = [&](size_t i, size_t j) { return static_cast<double>(i) / fa - static_cast<double>(j) / fb; };

  Compensated total;
  std::vector<uint8_t>& walked = call_scratch<WassersteinWalked, uint8_t>();
  walked.assign(kBins, 0);
  size_t ga = 0, gb = 0;
  bool first = true;
  double last = 0;  // the largest value of the previous non-empty bin
  for (size_t k = 0, i = 0, j = 0; k < kBins; ++k) {
    const BinSummary& A = sa.merged[k];
    const BinSummary& B = sb.merged[k];
    if (A.count + B.count == 0) continue;
    const double least = std::min(A.least, B.least), most = std::max(A.most, B.most);
    const double d0 = diff(i, j);
    if (!first) total.add(std::fabs(d0) * (least - last));
    first = false;
    bool settled = false;
    if (k != 0 && k != kBins - 1) {
      if (least == most) {
        settled = true;  // one value: a zero-width stretch, as in the walk
      } else if (diff(i, j + B.count) >= 0 || diff(i + A.count, j) <= 0) {
        const double top = most - bin.start(k);
        const double sa_sum = A.sum.value(), sb_sum = B.sum.value();
        const double part_a = (static_cast<double>(A.count) * top - sa_sum) / fa;
        const double part_b = (static_cast<double>(B.count) * top - sb_sum) / fb;
        const double integral = d0 * (most - least) + part_a - part_b;
        // A bound on its rounding error: a few units of roundoff of every magnitude in it.
        const double magnitude = std::fabs(d0) * (most - least) + (static_cast<double>(A.count) * std::fabs(top) + std::fabs(sa_sum)) / fa +
                                 (static_cast<double>(B.count) * std::fabs(top) + std::fabs(sb_sum)) / fb;
        if (std::isfinite(integral) && std::isfinite(magnitude) && 8 * DBL_EPSILON * magnitude <= kClosedFormError * std::fabs(integral)) {
          total.add(std::fabs(integral));
          settled = true;
        }
      }
    }
    if (!settled) {
      walked[k] = 1;
      ga += A.count;
      gb += B.count;
    }
    i += A.count;
    j += B.count;
    last = most;
  }

  if (ga + gb > 0) {
    // Gather the walked bins' values, each chunk after the chunks before it.
    auto offsets = [&](const SampleBins& s) {
      std::vector<size_t> at(s.chunks + 1, 0);
      for (size_t c = 0; c < s.chunks; ++c) {
        size_t in = 0;
        for (size_t k = 0; k < kBins; ++k)
          if (walked[k]) in += s.chunk(c)[k].count;
        at[c + 1] = at[c] + in;
      }
      return at;
    };
    const std::vector<size_t> at_a = offsets(sa), at_b = offsets(sb);
    std::vector<uint64_t> keys_a(ga), keys_b(gb);
    parallel_for(sa.chunks + sb.chunks, [&](size_t t) {
      if (t < sa.chunks) {
        const auto [i0, i1] = sa.range(la, t);
        gather_walked_keys(a, i0, i1, bin, walked.data(), keys_a.data() + at_a[t]);
      } else {
        const auto [i0, i1] = sb.range(lb, t - sa.chunks);
        gather_walked_keys(b, i0, i1, bin, walked.data(), keys_b.data() + at_b[t - sa.chunks]);
      }
    });
    const std::vector<double> da = sorted_doubles(keys_a), db = sorted_doubles(keys_b);
    // Each walked bin from a state at the counts before it, starting at its least value with the
    // difference before it (the gap term into it is already counted): its sum is ∫ |D| over it.
    size_t pa = 0, pb = 0;
    for (size_t k = 0, i = 0, j = 0; k < kBins; ++k) {
      const size_t ca = sa.merged[k].count, cb = sb.merged[k].count;
      if (walked[k]) {
        const double least = std::min(sa.merged[k].least, sb.merged[k].least);
        EcdfWalkState s{fa, fb, static_cast<double>(i), static_cast<double>(j), 0, 0, 0, least, std::fabs(diff(i, j))};
        ecdf_walk(da.data() + pa, ca, true, db.data() + pb, cb, true, s);
        total.add(s.sum);
        total.add(s.compensation);
        pa += ca;
        pb += cb;
      }
      i += ca;
      j += cb;
    }
  }
  out.wasserstein = total.value();
  return out;
}

}  // namespace

WassersteinDistance wasserstein_distance(const float* a, size_t la, const float* b, size_t lb) { return wasserstein_distance_impl(a, la, b, lb); }
WassersteinDistance wasserstein_distance(const float* a, size_t la, const double* b, size_t lb) { return wasserstein_distance_impl(a, la, b, lb); }
WassersteinDistance wasserstein_distance(const double* a, size_t la, const float* b, size_t lb) { return wasserstein_distance_impl(a, la, b, lb); }
WassersteinDistance wasserstein_distance(const double* a, size_t la, const double* b, size_t lb) { return wasserstein_distance_impl(a, la, b, lb); }

}  // namespace mlwatch
