// ks_distance against ecdf_distances over the finite values sorted by std::sort: bit for bit, on
// samples that stress the bins (smooth, shifted, tied, clustered, heavy-tailed, huge, signed
// zeros, non-finite values mixed in), float32 and float64, with the pool's threads (CTest runs it
// with the default count and with 3).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "kernels/ecdf_distances.h"
#include "kernels/ks_distance.h"

static int failures = 0;

template <typename T>
static std::vector<double> finite_sorted(const std::vector<T>& v) {
  std::vector<double> out;
  for (T x : v)
    if (std::isfinite(static_cast<double>(x))) out.push_back(static_cast<double>(x));
  std::sort(out.begin(), out.end());
  return out;
}

template <typename TA, typename TB>
static void check_pair(const char* what, const std::vector<TA>& a, const std::vector<TB>& b) {
  const std::vector<double> sa = finite_sorted(a), sb = finite_sorted(b);
  mlwatch::SamplePair pair{sa.data(), sa.size(), sb.data(), sb.size()};
  double ks = 0, w = 0;
  mlwatch::ecdf_distances(&pair, 1, &ks, &w);
  const mlwatch::KsDistance got = mlwatch::ks_distance(a.data(), a.size(), b.data(), b.size());
  const bool same = (std::isnan(ks) ? std::isnan(got.ks) : got.ks == ks) && got.na == static_cast<double>(sa.size()) &&
                    got.nb == static_cast<double>(sb.size());
  if (!same) {
    std::printf("FAIL %s (%zu vs %zu): got %.17g (%g, %g), want %.17g\n", what, a.size(), b.size(), got.ks, got.na, got.nb, ks);
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
  // Near-identical samples: the maximum lies inside bins, on single values.
  std::vector<double> a(400'000), b;
  for (auto& x : a) x = normal(gen);
  b = a;
  for (size_t i = 0; i < b.size(); i += 997) b[i] += 1e-7;
  check_pair("near-identical", a, b);
  check_pair("empty", std::vector<double>{}, std::vector<double>{1.0, 2.0});
  if (failures) {
    std::printf("%d failed\n", failures);
    return 1;
  }
  std::printf("ks_distance: all passed\n");
  return 0;
}
