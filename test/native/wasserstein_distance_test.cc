// wasserstein_distance against ecdf_distances over the finite values sorted by std::sort, to
// 1e-12 relative, on samples that stress the bins and their closed forms (smooth, shifted, drawn
// alike, tied, clustered, heavy-tailed, a large offset, huge, signed zeros, non-finite values
// mixed in), float32 and float64, with more than one summary chunk per sample, with the pool's
// threads (CTest runs it with the default count and with 3).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "kernels/ecdf_distances.h"
#include "kernels/value_bins.h"
#include "kernels/wasserstein_distance.h"

static int failures = 0;

template <typename T>
static std::vector<double> finite_sorted(const std::vector<T>& v) {
  std::vector<double> out;
  for (T x : v)
    if (std::isfinite(static_cast<double>(x))) out.push_back(static_cast<double>(x));
  std::sort(out.begin(), out.end());
  return out;
}

static bool close(double got, double want) {
  if (std::isnan(want)) return std::isnan(got);
  if (!std::isfinite(want)) return got == want;
  return std::fabs(got - want) <= 1e-12 * std::fabs(want) + 1e-300;
}

template <typename TA, typename TB>
static void check_pair(const char* what, const std::vector<TA>& a, const std::vector<TB>& b) {
  const std::vector<double> sa = finite_sorted(a), sb = finite_sorted(b);
  mlwatch::SamplePair pair{sa.data(), sa.size(), sb.data(), sb.size()};
  double ks = 0, w = 0;
  mlwatch::ecdf_distances(&pair, 1, &ks, &w);
  const mlwatch::WassersteinDistance got = mlwatch::wasserstein_distance(a.data(), a.size(), b.data(), b.size());
  if (!close(got.wasserstein, w) || got.na != static_cast<double>(sa.size()) || got.nb != static_cast<double>(sb.size())) {
    std::printf("FAIL %s (%zu vs %zu): got %.17g (%g, %g), want %.17g\n", what, a.size(), b.size(), got.wasserstein, got.na, got.nb, w);
    ++failures;
  }
}

int main() {
  std::mt19937_64 gen(42);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  using Maker = std::function<double()>;
  const std::vector<std::pair<const char*, Maker>> kinds = {
      {"normal", [&] { return normal(gen); }},
      {"shifted", [&] { return 0.01 + normal(gen); }},
      {"lognormal", [&] { return std::exp(2 * normal(gen)); }},
      {"ties", [&] { return std::floor(unit(gen) * 7); }},
      {"clusters", [&] { return (unit(gen) < 0.5 ? 1.0 : 1e6) + unit(gen) * 1e-9; }},
      {"offset", [&] { return 1e9 + unit(gen); }},
      {"huge", [&] { return (unit(gen) < 0.5 ? -1.0 : 1.0) * 1.7e308 * unit(gen); }},
      {"signed zeros", [&] { const double z[] = {0.0, -0.0, 1.0, -1.0}; return z[static_cast<int>(unit(gen) * 4)]; }},
      {"non-finite", [&] {
         const double u = unit(gen);
         return u < 0.2 ? std::numeric_limits<double>::quiet_NaN() : u < 0.3 ? -std::numeric_limits<double>::infinity() : normal(gen);
       }},
      {"above", [&] { return 10 + unit(gen); }},
  };
  for (const auto& [name_a, make_a] : kinds) {
    for (const auto& [name_b, make_b] : kinds) {
      for (auto [na, nb] : {std::pair<size_t, size_t>{1, 1}, {5, 80}, {3'000, 1'100}, {70'000, 65'001}}) {  // the last binned, the others sorted and walked
        std::vector<double> a(na), b(nb);
        for (auto& x : a) x = make_a();
        for (auto& x : b) x = make_b();
        check_pair(name_a, a, b);
        std::vector<float> a32(a.begin(), a.end());
        check_pair("float32 vs float64", a32, b);
      }
    }
  }
  // More than one summary chunk (2^20 values) per sample, drawn alike and shifted a little.
  std::vector<double> a(2'500'000), b(2'100'000);
  for (auto& x : a) x = normal(gen);
  for (auto& x : b) x = normal(gen);
  check_pair("drawn alike, 3 chunks", a, b);
  for (auto& x : b) x += 0.003;
  check_pair("shifted, 3 chunks", a, b);
  // Ties of a at the largest value of a bin, ties of b just above it in the next bin, over a
  // shared background: W is tiny and a's bin's closed form cancels; the kernel must walk it.
  for (double delta : {1e-7, 1e-9, 1e-12}) {
    std::vector<double> background;
    for (int i = 0; i < 100'000; ++i) {
      const double x = i / 100'000.0;
      if (x < 0.49 || x > 0.51) background.push_back(x);
    }
    double top = 0.5;
    std::vector<double> ta, tb;
    for (int round = 0; round < 4; ++round) {
      ta = background;
      tb = background;
      ta.insert(ta.end(), 100'000, top);
      tb.insert(tb.end(), 100'000, top + delta);
      const mlwatch::ValueBins bin = mlwatch::value_bins_of(ta.data(), ta.size(), tb.data(), tb.size());
      const size_t k = bin(0.5);
      double lo = 0.5, hi = 0.6;
      for (int step = 0; step < 200; ++step) {
        const double mid = (lo + hi) / 2;
        (bin(mid) <= k ? lo : hi) = mid;
      }
      top = lo;
    }
    check_pair("ties on either side of a bin boundary", ta, tb);
  }
  check_pair("empty", std::vector<double>{}, std::vector<double>{1.0, 2.0});
  if (failures) {
    std::printf("%d failed\n", failures);
    return 1;
  }
  std::printf("wasserstein_distance: all passed\n");
  return 0;
}
