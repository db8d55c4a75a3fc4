// Twin of src/backend/js/ks-distance.ts (the js backend; the cuda backend uses this one).
//
// Why no sort: D = max |Fa(x) - Fb(x)| needs the exact ECDFs only near its maximum. The finite
// values are counted into bins by value (a monotone map, so every bin holds a contiguous range of
// the pooled sorted order, ties always together). The counts before and after a bin give the
// difference at its end exactly (a point of the walk: after the bin's largest value) and an upper
// bound for every point inside it. Only bins whose bound beats the largest end difference, and
// that hold values of both samples (with one sample's values alone the difference moves one way,
// so its extremes lie at the bin's ends), are gathered, sorted and walked: for a smooth
// distribution a few thousand values (the scans that pick them screen in products, see below, so
// they may also walk a bin whose bound comes within 8 ulp: a walk only meets true points). The
// bins: value_bins.h.
#include "kernels/ks_distance.h"

#include "kernels/call_scratch.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/ecdf_distances.h"
#include "kernels/thread_pool.h"
#include "kernels/value_bins.h"

namespace mlwatch {

namespace {

// Values each part of the counting pass gets at least.
constexpr size_t kPartMinimum = size_t{1} << 16;
constexpr size_t kBins = kValueBins;

// The call_scratch buffers of this kernel.
struct KsCounts;
struct KsBinsA;
struct KsBinsB;
struct KsWalked;
struct KsWalkList;

template <typename TA, typename TB>
KsDistance ks_distance_impl(const TA* a, size_t la, const TB* b, size_t lb) {
  if (la + lb < kValueBinsMinimum) {
    const EcdfWalkState s = sorted_walk(a, la, b, lb);
    return {ecdf_walk_ks(s), s.na, s.nb};
  }
  const ValueBins bin = value_bins_of(a, la, b, lb);
  // Parts of a and b: per-part counts stay below 2^32.
  const size_t most = std::max(la, lb);
  size_t parts = std::min<size_t>(static_cast<size_t>(thread_count()), std::max<size_t>(1, most / kPartMinimum));
  parts = std::max(parts, most / (size_t{1} << 31) + 1);
  auto range = [&](size_t n, size_t t) { return std::pair<size_t, size_t>{n * t / parts, n * (t + 1) / parts}; };

  // counts[(t * 2 + s) * kBins + k]: finite values of sample s (0: a, 1: b) in part t and bin k.
  // Each part clears its own tables (the clearing is split across the pool too).
  std::vector<uint32_t>& counts = call_scratch<KsCounts, uint32_t>();
  counts.resize(parts * 2 * kBins);
  auto count = [&](const auto* v, size_t n, size_t t, uint32_t* h) {
    std::fill(h, h + kBins, 0u);
    const auto [i0, i1] = range(n, t);
    for (size_t i = i0; i < i1; ++i) {
      const double x = static_cast<double>(v[i]);
      if (std::isfinite(x)) ++h[bin(x)];
    }
  };
  parallel_for(parts, [&](size_t t) {
    count(a, la, t, &counts[(t * 2) * kBins]);
    count(b, lb, t, &counts[(t * 2 + 1) * kBins]);
  });
  std::vector<size_t>& ha = call_scratch<KsBinsA, size_t>();
  std::vector<size_t>& hb = call_scratch<KsBinsB, size_t>();
  ha.resize(kBins);
  hb.resize(kBins);
  size_t na = 0, nb = 0;
  for (size_t k = 0; k < kBins; ++k) {
    size_t ca = 0, cb = 0;
    for (size_t t = 0; t < parts; ++t) {
      ca += counts[(t * 2) * kBins + k];
      cb += counts[(t * 2 + 1) * kBins + k];
    }
    ha[k] = ca;
    hb[k] = cb;
    na += ca;
    nb += cb;
  }
  KsDistance out{std::numeric_limits<double>::quiet_NaN(), static_cast<double>(na), static_cast<double>(nb)};
  if (na == 0 || nb == 0) return out;
  const double fa = static_cast<double>(na), fb = static_cast<double>(nb);
  // The same divisions as the walk (i/na - j/nb), so equal counts give equal bits.
  auto diff = [&](size_t i, size_t j) { return std::fabs(static_cast<double>(i) / fa - static_cast<double>(j) / fb); };
  // The scans over all 65 536 bins run on one thread, so they screen with products by the
  // reciprocals (a division costs several products): |i·ra - j·rb| and diff(i, j) each lie within
  // a few roundings of values <= 1 of the exact difference, together about 4 ulp of 1 apart at
  // most, half kScreenError. A bin screened out cannot hold the maximum; the answer comes from
  // diff alone.
  const double ra = 1.0 / fa, rb = 1.0 / fb;
  constexpr double kScreenError = 8 * std::numeric_limits<double>::epsilon();
  auto near_diff = [&](size_t i, size_t j) { return std::fabs(static_cast<double>(i) * ra - static_cast<double>(j) * rb); };

  double screened = 0;  // the largest near difference at a bin's end
  for (size_t k = 0, i = 0, j = 0; k < kBins; ++k) {
    i += ha[k];
    j += hb[k];
    screened = std::max(screened, near_diff(i, j));
  }
  double ks = 0;  // the largest difference at a bin's end (empty bins end where the one before ends)
  for (size_t k = 0, i = 0, j = 0; k < kBins; ++k) {
    i += ha[k];
    j += hb[k];
    if (near_diff(i, j) >= screened - 2 * kScreenError) ks = std::max(ks, diff(i, j));
  }
  // The bins to walk, with the counts before each.
  struct Walked {
    size_t k, i, j;
  };
  std::vector<uint8_t>& walked = call_scratch<KsWalked, uint8_t>();
  walked.assign(kBins, 0);
  std::vector<Walked>& walk = call_scratch<KsWalkList, Walked>();
  walk.clear();
  size_t ga = 0, gb = 0;
  for (size_t k = 0, i = 0, j = 0; k < kBins; ++k) {
    const size_t i1 = i + ha[k], j1 = j + hb[k];
    // A superset of the bins whose bound max(diff(i1, j), diff(i, j1)) beats ks: walking one more
    // bin only meets points of the walk, which cannot raise the maximum above the true one.
    if (ha[k] > 0 && hb[k] > 0 && std::max(near_diff(i1, j), near_diff(i, j1)) > ks - kScreenError) {
      walked[k] = 1;
      walk.push_back({k, i, j});
      ga += ha[k];
      gb += hb[k];
    }
    i = i1;
    j = j1;
  }
  if (ga == 0) {
    out.ks = ks;
    return out;
  }

  // Gather the walked bins' keys, each part after the parts before it.
  std::vector<uint64_t> keys_a(ga), keys_b(gb);
  std::vector<size_t> at_a(parts + 1, 0), at_b(parts + 1, 0);
  for (size_t t = 0; t < parts; ++t) {
    size_t in_a = 0, in_b = 0;
    const uint32_t* ca = &counts[(t * 2) * kBins];
    const uint32_t* cb = &counts[(t * 2 + 1) * kBins];
    for (const Walked& w : walk) {
      in_a += ca[w.k];
      in_b += cb[w.k];
    }
    at_a[t + 1] = at_a[t] + in_a;
    at_b[t + 1] = at_b[t] + in_b;
  }
  parallel_for(parts, [&](size_t t) {
    gather_walked_keys(a, range(la, t).first, range(la, t).second, bin, walked.data(), keys_a.data() + at_a[t]);
    gather_walked_keys(b, range(lb, t).first, range(lb, t).second, bin, walked.data(), keys_b.data() + at_b[t]);
  });
  const std::vector<double> da = sorted_doubles(keys_a), db = sorted_doubles(keys_b);

  // The ECDF walk of each gathered bin from a state at the counts before it: the same expression
  // on the same integers as the walk over all the data. A bin's first value only sets `last`
  // (the difference before it, at the previous bin's end, is already counted); its last value's
  // difference, left pending, is the bin's end difference.
  size_t pa = 0, pb = 0;
  for (const Walked& w : walk) {
    EcdfWalkState s{fa, fb, static_cast<double>(w.i), static_cast<double>(w.j), ks, 0, 0, std::min(da[pa], db[pb]), diff(w.i, w.j)};
    ecdf_walk(da.data() + pa, ha[w.k], true, db.data() + pb, hb[w.k], true, s);
    ks = s.ks;
    pa += ha[w.k];
    pb += hb[w.k];
  }
  out.ks = ks;
  return out;
}

}  // namespace

KsDistance ks_distance(const float* a, size_t la, const float* b, size_t lb) { return ks_distance_impl(a, la, b, lb); }
KsDistance ks_distance(const float* a, size_t la, const double* b, size_t lb) { return ks_distance_impl(a, la, b, lb); }
KsDistance ks_distance(const double* a, size_t la, const float* b, size_t lb) { return ks_distance_impl(a, la, b, lb); }
KsDistance ks_distance(const double* a, size_t la, const double* b, size_t lb) { return ks_distance_impl(a, la, b, lb); }

}  // namespace mlwatch
