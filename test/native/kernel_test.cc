// Plain C++ tests of native/kernels (no Node): column statistics against a long-double
// two-pass reference, quantiles against a full sort. Built with -fsanitize=address,undefined
// on CI and run twice, the second time with MLWATCH_SIMD=baseline (the portable kernels).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/column_stats.h"
#include "kernels/cpu_features.h"
#include "kernels/dense.h"
#include "kernels/ecdf_distances.h"
#include "kernels/quantiles.h"
#include "kernels/radix_sort.h"
#include "kernels/sketch_bins.h"
#include "kernels/smirnov.h"
#include "kernels/sort_columns.h"
#include "kernels/float_keys.h"

static int failures = 0;

static void check(bool ok, const char* what, double got, double want) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAIL %s: got %.17g want %.17g\n", what, got, want);
  }
}

static bool close(double got, double want, double rel) {
  if (std::isnan(want)) return std::isnan(got);
  return std::fabs(got - want) <= rel * std::max(1.0, std::fabs(want));
}

template <typename T>
static void test_column_stats(size_t rows, size_t cols, double offset, unsigned seed, double nan_rate) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<T> data(rows * cols);
  for (size_t i = 0; i < data.size(); ++i) {
    const size_t c = i % cols;
    data[i] = c == 1 && nan_rate > 0 ? static_cast<T>(std::numeric_limits<double>::quiet_NaN())
                     : static_cast<T>(offset * static_cast<double>(c % 3) + normal(gen) * (1.0 + c));
    if (unit(gen) < nan_rate) data[i] = static_cast<T>(std::numeric_limits<double>::quiet_NaN());
  }
  std::vector<double> out(6 * cols);
  mlwatch::ColumnStatsOut o{&out[0], &out[cols], &out[2 * cols], &out[3 * cols], &out[4 * cols], &out[5 * cols]};
  mlwatch::column_stats(data.data(), rows, cols, o);
  for (size_t c = 0; c < cols; ++c) {
    long double sum = 0, n = 0, mn = INFINITY, mx = -INFINITY;
    for (size_t r = 0; r < rows; ++r) {
      const double x = static_cast<double>(data[r * cols + c]);
      if (std::isnan(x)) continue;
      sum += x;
      n += 1;
      mn = std::min<long double>(mn, x);
      mx = std::max<long double>(mx, x);
    }
    const long double mean = n > 0 ? sum / n : NAN;
    long double m2 = 0;
    for (size_t r = 0; r < rows; ++r) {
      const double x = static_cast<double>(data[r * cols + c]);
      if (!std::isnan(x)) m2 += (x - mean) * (x - mean);
    }
    const double want_std = n > 0 ? static_cast<double>(std::sqrt(m2 / n)) : NAN;
    check(o.count[c] == static_cast<double>(n), "count", o.count[c], static_cast<double>(n));
    check(o.nan_count[c] == static_cast<double>(rows) - static_cast<double>(n), "nan_count", o.nan_count[c], 0);
    check(close(o.mean[c], n > 0 ? static_cast<double>(mean) : NAN, 1e-13), "mean", o.mean[c], static_cast<double>(mean));
    check(close(o.std[c], want_std, 1e-11), "std", o.std[c], want_std);
    check(close(o.min[c], n > 0 ? static_cast<double>(mn) : NAN, 0), "min", o.min[c], static_cast<double>(mn));
    check(close(o.max[c], n > 0 ? static_cast<double>(mx) : NAN, 0), "max", o.max[c], static_cast<double>(mx));
  }
}

static double numpy_linear(const std::vector<double>& sorted, double q) {
  const size_t n = sorted.size();
  const double h = static_cast<double>(n - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, n - 1);
  const double g = h - std::floor(h);
  const double d = sorted[hi] - sorted[lo];
  return g >= 0.5 ? sorted[hi] - d * (1 - g) : sorted[lo] + d * g;
}

static void test_quantiles(size_t n, int distinct, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<double> skewed(0.0, 1.5);
  std::uniform_int_distribution<int> small(0, distinct > 0 ? distinct - 1 : 0);
  std::vector<double> v(n);
  for (auto& x : v) x = distinct > 0 ? small(gen) : skewed(gen);
  const std::vector<double> original = v;
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  const double q[] = {0.0, 1e-6, 0.01, 0.25, 0.5, 0.5, 0.9, 0.99, 0.999, 0.999999, 1.0};
  const size_t nq = sizeof(q) / sizeof(q[0]);
  double out[nq];
  mlwatch::quantiles(v.data(), n, q, nq, out);
  for (size_t i = 0; i < nq; ++i) check(out[i] == numpy_linear(sorted, q[i]), "quantile", out[i], numpy_linear(sorted, q[i]));
  check(v == original, "quantiles left the input unchanged", 0, 0);
  v[n / 2] = std::numeric_limits<double>::quiet_NaN();
  mlwatch::quantiles(v.data(), n, q, nq, out);
  for (size_t i = 0; i < nq; ++i) check(std::isnan(out[i]), "NaN input gives NaN", out[i], NAN);
}

// The bracketed path (n >= 2^17) on float32, with infinities, a sorted input, and 101 ranks
// (close brackets merge): every result as from a full sort.
static void test_quantiles_bracketed_edges() {
  std::mt19937_64 gen(12);
  std::normal_distribution<double> normal(0.0, 1.0);
  const size_t n = 400'000;
  std::vector<float> f(n);
  for (auto& x : f) x = static_cast<float>(normal(gen));
  f[7] = std::numeric_limits<float>::infinity();
  f[9] = -std::numeric_limits<float>::infinity();
  std::vector<float> sorted_f = f;
  std::sort(sorted_f.begin(), sorted_f.end());
  double q[101];
  for (int i = 0; i <= 100; ++i) q[i] = i / 100.0;
  double out[101];
  mlwatch::quantiles(f.data(), n, q, 101, out);
  for (int i = 0; i <= 100; ++i) {
    const double h = (n - 1) * q[i];
    const size_t lo = static_cast<size_t>(std::floor(h)), hi = std::min(lo + 1, n - 1);
    const double want = mlwatch::numpy_lerp(sorted_f[lo], sorted_f[hi], h - std::floor(h));  // NaN next to an infinity, as NumPy
    check(out[i] == want || (std::isnan(out[i]) && std::isnan(want)), "float32 bracketed quantile", out[i], want);
  }
  std::vector<double> d(n);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<double>(i % 1000) + static_cast<double>(i) * 1e-9;
  std::sort(d.begin(), d.end());
  mlwatch::quantiles(d.data(), n, q, 101, out);
  for (int i = 0; i <= 100; ++i) check(out[i] == numpy_linear(d, q[i]), "sorted-input quantile", out[i], numpy_linear(d, q[i]));
}

static void test_sketch_bins() {
  const double multiplier = 1.0 / std::log(1.01 / 0.99);
  std::vector<double> v = {0.0, 1e-12, 0.5, 1.0, 1.0, 250.0, 1e300, -1.0,
                           std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()};
  mlwatch::SketchBins b = mlwatch::sketch_bins(v.data(), v.size(), multiplier, 1e-9, 1 << 20);
  check(b.invalid_count == 3, "invalid count", b.invalid_count, 3);
  check(b.first_invalid == 7, "first invalid", static_cast<double>(b.first_invalid), 7);
  check(b.valid_count == 7, "valid count", b.valid_count, 7);
  check(b.zero_count == 2, "zero count", b.zero_count, 2);
  check(b.min == 0.0 && b.max == 1e300, "extremes", b.max, 1e300);
  double total = 0;
  for (double c : b.counts) total += c;
  check(total == 5, "counted keys", total, 5);
  for (double x : {0.5, 1.0, 250.0, 1e300}) {
    const int64_t key = static_cast<int64_t>(std::ceil(std::log(x) * multiplier));
    const int64_t i = key - b.min_key;
    check(i >= 0 && static_cast<size_t>(i) < b.counts.size() && b.counts[static_cast<size_t>(i)] >= 1, "key of value", x, 0);
  }
  std::vector<float> none = {-1.0f, std::numeric_limits<float>::quiet_NaN()};
  mlwatch::SketchBins e = mlwatch::sketch_bins(none.data(), none.size(), multiplier, 1e-9, 1 << 20);
  check(e.counts.empty() && e.valid_count == 0 && e.invalid_count == 2, "no valid value", e.valid_count, 0);
  // Keys ~7e8 apart at 1e-6 accuracy: at most max_buckets counts, the low key in the lowest one.
  const double fine = 1.0 / std::log((1 + 1e-6) / (1 - 1e-6));
  std::vector<double> wide = {1e-8, 1e300, 1e300};
  mlwatch::SketchBins w = mlwatch::sketch_bins(wide.data(), wide.size(), fine, 1e-9, 4096);
  check(w.counts.size() == 4096 && w.counts.front() == 1 && w.counts.back() == 2, "bounded bucket range", static_cast<double>(w.counts.size()), 4096);
}

static void test_dense(size_t rows, size_t n_in, size_t n_out, mlwatch::Activation act, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(rows * n_in), w(n_in * n_out), b(n_out), out(rows * n_out + 1, -7.0f);
  for (auto& v : x) v = normal(gen);
  for (auto& v : w) v = normal(gen) / std::sqrt(static_cast<float>(n_in));
  for (auto& v : b) v = normal(gen);
  mlwatch::dense_forward(x.data(), rows, n_in, w.data(), b.data(), n_out, act, out.data());
  check(out[rows * n_out] == -7.0f, "no write past the output", out[rows * n_out], -7);
  for (size_t r = 0; r < rows; ++r) {
    std::vector<double> z(n_out);
    double mx = -INFINITY, sum = 0;
    for (size_t j = 0; j < n_out; ++j) {
      double s = b[j];
      for (size_t k = 0; k < n_in; ++k) s += static_cast<double>(x[r * n_in + k]) * w[k * n_out + j];
      z[j] = s;
      mx = std::max(mx, s);
    }
    for (size_t j = 0; j < n_out; ++j) {
      double want = z[j];
      if (act == mlwatch::Activation::Relu) want = std::max(0.0, want);
      if (act == mlwatch::Activation::Sigmoid) want = 1 / (1 + std::exp(-want));
      if (act == mlwatch::Activation::Tanh) want = std::tanh(want);
      if (act == mlwatch::Activation::Softmax) {
        if (j == 0) for (double v : z) sum += std::exp(v - mx);
        want = std::exp(z[j] - mx) / sum;
      }
      check(std::fabs(out[r * n_out + j] - want) <= 1e-4 * std::max(1.0, std::fabs(want)), "dense output", out[r * n_out + j], want);
    }
  }
  std::vector<int32_t> labels(rows);
  std::vector<float> conf(rows);
  mlwatch::argmax_rows(out.data(), rows, n_out, labels.data(), conf.data());
  for (size_t r = 0; r < rows; ++r) {
    const float* row = &out[r * n_out];
    const size_t best = static_cast<size_t>(std::max_element(row, row + n_out) - row);
    check(static_cast<size_t>(labels[r]) == best && conf[r] == row[best], "argmax", labels[r], static_cast<double>(best));
  }
}

// sort_columns against std::sort of each column's finite values; values with many ties,
// both signs of zero, NaN and ±Inf; a column window in the middle of the matrix.
template <typename T>
static void test_sort_columns(size_t rows, size_t cols, size_t first, size_t count, unsigned seed, bool ties) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 100.0);
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<T> data(rows * cols);
  for (auto& v : data) {
    const int p = pick(gen);
    v = p == 0   ? static_cast<T>(std::numeric_limits<double>::quiet_NaN())
        : p == 1 ? static_cast<T>(-INFINITY)
        : p == 3 ? static_cast<T>(INFINITY)
        : p == 2 ? static_cast<T>(-0.0)
        : ties   ? static_cast<T>(std::floor(normal(gen) / 50))
                 : static_cast<T>(normal(gen));
  }
  std::vector<double> out(rows * count), counts(count);
  mlwatch::sort_columns(data.data(), rows, cols, first, count, out.data(), counts.data());
  for (size_t k = 0; k < count; ++k) {
    std::vector<double> want;
    for (size_t r = 0; r < rows; ++r) {
      const double v = static_cast<double>(data[r * cols + first + k]);
      if (std::isfinite(v)) want.push_back(v);
    }
    std::sort(want.begin(), want.end());
    check(counts[k] == static_cast<double>(want.size()), "sort_columns count", counts[k], static_cast<double>(want.size()));
    for (size_t i = 0; i < want.size(); ++i) {
      if (out[k * rows + i] != want[i]) {  // -0 == +0 here, as the contract allows either order
        check(false, "sort_columns value", out[k * rows + i], want[i]);
        break;
      }
    }
  }
}

// sort_arrays: separate arrays of different lengths (empty, below the radix minimum, wider than
// the split threshold) with NaN/±Inf/-0 and ties, each bit for bit the sort of its own finite
// values (-0 before +0) and nothing written past its count; one array alone takes the split path.
static void test_sort_arrays(const std::vector<size_t>& lengths, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 100.0);
  std::uniform_int_distribution<int> pick(0, 99);
  const size_t count = lengths.size();
  std::vector<std::vector<double>> data(count), out(count);
  std::vector<const double*> in_ptr(count);
  std::vector<double*> out_ptr(count);
  for (size_t k = 0; k < count; ++k) {
    data[k].resize(lengths[k]);
    for (auto& v : data[k]) {
      const int p = pick(gen);
      v = p == 0 ? std::numeric_limits<double>::quiet_NaN() : p == 1 ? -INFINITY : p == 2 ? -0.0 : p == 3 ? 0.0
        : p < 30 ? std::round(normal(gen)) + static_cast<double>(k) * 1000 : normal(gen) * static_cast<double>(k + 1);
    }
    out[k].assign(lengths[k] + 1, -7.0);  // one guard value past the end
    in_ptr[k] = data[k].data();
    out_ptr[k] = out[k].data();
  }
  std::vector<double> counts(count, -1.0);
  mlwatch::sort_arrays(in_ptr.data(), lengths.data(), count, out_ptr.data(), counts.data());
  for (size_t k = 0; k < count; ++k) {
    std::vector<mlwatch::FloatKey<double>::type> want;
    for (double v : data[k]) if (std::isfinite(v)) want.push_back(mlwatch::to_key(v));
    std::sort(want.begin(), want.end());
    check(counts[k] == static_cast<double>(want.size()), "sort_arrays count", counts[k], static_cast<double>(want.size()));
    for (size_t i = 0; i < want.size(); ++i) {
      const double w = mlwatch::from_key<double>(want[i]);
      if (std::memcmp(&out[k][i], &w, sizeof w) != 0) {
        check(false, "sort_arrays value (array k)", static_cast<double>(k), w);
        break;
      }
    }
    check(out[k][lengths[k]] == -7.0, "sort_arrays wrote past its array", out[k][lengths[k]], -7.0);
  }
}

// radix_sort split into `parts` ranges against std::sort of the same keys: every size around the
// split boundaries (0, 1, fewer keys than parts, odd sizes, the std::sort cut-off at 512), keys
// of doubles or floats with duplicates, both zeros, ±Inf and NaN (keys order them all).
template <typename Float>
static void test_radix_sort(size_t n, size_t parts, unsigned seed, bool ties) {
  using Key = typename mlwatch::FloatKey<Float>::type;
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1e3);
  std::uniform_int_distribution<int> pick(0, 19);
  const Float specials[] = {static_cast<Float>(-0.0), 0, std::numeric_limits<Float>::infinity(),
                            -std::numeric_limits<Float>::infinity(), std::numeric_limits<Float>::quiet_NaN()};
  std::vector<Key> keys(n), tmp(n);
  for (auto& k : keys) {
    const int p = pick(gen);
    const Float v = p < 5 ? specials[p] : ties ? static_cast<Float>(std::floor(normal(gen) / 300)) : static_cast<Float>(normal(gen));
    k = mlwatch::to_key(v);
  }
  std::vector<Key> want = keys;
  std::sort(want.begin(), want.end());
  const Key* got = mlwatch::radix_sort(keys.data(), tmp.data(), n, parts);
  check(got == keys.data() || got == tmp.data(), "radix_sort result buffer", 0, 0);
  for (size_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      check(false, "radix_sort key (n, parts)", static_cast<double>(n), static_cast<double>(parts));
      break;
    }
  }
}

// The MSD-first path of radix_sort (64-bit keys, at least 2^16 of them) against std::sort, on
// data that exercises each of its branches: wide (many top buckets), one narrow cluster (a
// single top bucket sorted in one piece), heavy ties (runs of equal keys), clusters of keys that
// differ only in their lowest bits (long runs sorted again on their low bits), all equal,
// specials and denormals, half zeros.
static void test_radix_sort_msd(size_t n, size_t parts, int kind, unsigned seed, size_t misalign = 0) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<uint64_t> low_bits(0, 4999);
  const double denormal = std::numeric_limits<double>::denorm_min();
  // The buffers start `misalign` keys past a 64-byte line (the staging of the scatter aligns its
  // writes to tmp's lines).
  std::vector<uint64_t> keys_storage(n + 16), tmp_storage(n + 16);
  auto at_line = [&](std::vector<uint64_t>& v) {
    const size_t off = (8 - (reinterpret_cast<uintptr_t>(v.data()) / sizeof(uint64_t)) % 8) % 8;
    return v.data() + off + misalign;
  };
  uint64_t* keys = at_line(keys_storage);
  uint64_t* tmp = at_line(tmp_storage);
  for (size_t i = 0; i < n; ++i) {
    uint64_t& k = keys[i];
    double v = 0;
    switch (kind) {
      case 0: v = normal(gen) * 1e3; break;
      case 1: v = 1000 + unit(gen) * 1e-6; break;
      case 2: v = std::floor(normal(gen) * 3); break;
      case 3: {
        uint64_t bits;
        const double center = 1.0 + std::floor(unit(gen) * 1024) / 1024;
        std::memcpy(&bits, &center, sizeof bits);
        bits += low_bits(gen);  // 1 024 clusters of values up to 4 999 ulps apart
        std::memcpy(&v, &bits, sizeof v);
        break;
      }
      case 4: v = -2.5; break;
      case 5: {
        const int p = pick(gen);
        const double specials[] = {-0.0, 0.0, denormal, -denormal, 3 * denormal, std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                                   std::numeric_limits<double>::min(), -std::numeric_limits<double>::max()};
        v = p < 10 ? specials[p] : p < 40 ? denormal * std::floor(unit(gen) * 1e6) : normal(gen);
        break;
      }
      default: v = pick(gen) < 50 ? 0.0 : normal(gen); break;
    }
    k = mlwatch::to_key(v);
  }
  std::vector<uint64_t> want(keys, keys + n);
  std::sort(want.begin(), want.end());
  const uint64_t* got = mlwatch::radix_sort(keys, tmp, n, parts);
  check(got == keys || got == tmp, "radix_sort (MSD) result buffer", 0, 0);
  if (std::memcmp(got, want.data(), n * sizeof(uint64_t)) != 0) {
    check(false, "radix_sort (MSD) keys (n, kind)", static_cast<double>(n), kind);
  }
}

// A few columns wider than the split threshold (2^15 rows a part): split across threads, with
// NaN/±Inf gaps in every part; the result must be the bits of the whole-column sort (-0 first).
template <typename T>
static void test_sort_split_columns(size_t rows, size_t cols, unsigned seed, int nan_percent = 1) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 100.0);
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<T> data(rows * cols);
  for (auto& v : data) {
    const int p = pick(gen);
    v = p < nan_percent ? std::numeric_limits<T>::quiet_NaN() : p == nan_percent ? -std::numeric_limits<T>::infinity()
      : p == nan_percent + 1 ? static_cast<T>(-0.0) : p == nan_percent + 2 ? T(0) : p < 30 ? static_cast<T>(std::round(normal(gen)))
      : static_cast<T>(normal(gen));
  }
  std::vector<double> out(rows * cols), counts(cols);
  mlwatch::sort_columns(data.data(), rows, cols, 0, cols, out.data(), counts.data());
  for (size_t k = 0; k < cols; ++k) {
    std::vector<typename mlwatch::FloatKey<T>::type> want;
    for (size_t r = 0; r < rows; ++r) {
      if (std::isfinite(data[r * cols + k])) want.push_back(mlwatch::to_key(data[r * cols + k]));
    }
    std::sort(want.begin(), want.end());
    check(counts[k] == static_cast<double>(want.size()), "split sort_columns count", counts[k], static_cast<double>(want.size()));
    for (size_t i = 0; i < want.size(); ++i) {
      const double w = static_cast<double>(mlwatch::from_key<T>(want[i]));
      if (std::memcmp(&out[k * rows + i], &w, sizeof w) != 0) {  // bit for bit: -0 before +0
        check(false, "split sort_columns value", out[k * rows + i], w);
        break;
      }
    }
  }
}

// smirnov_sf against scipy.special.smirnov (SciPy 1.17.1, double-double arithmetic): sums of up
// to 5e5 terms split into blocks on the pool; the log-space terms carry ~1e-12 relative error.
static void test_smirnov() {
  const double cases[][3] = {
      {500000, 0.0021, 0.012138144298915746},
      {500000, 0.003, 0.00012316150619593377},
      {500000, 0.01, 3.6873178225417635e-44},
      {499999, 0.02, 1.825558319962624e-174},
      {100001, 0.004, 0.040652174799030806},
      {5000, 0.03, 0.00012079617211333408},
      {1000000, 0.004, 1.2629092071695507e-14},
      {141, 0.1, 0.055651174842302024},
  };
  for (const auto& c : cases) {
    const double got = mlwatch::smirnov_sf(c[0], c[1]);
    check(std::fabs(got - c[2]) <= 1e-10 * c[2], "smirnov_sf", got, c[2]);
  }
  check(std::isnan(mlwatch::smirnov_sf(0, 0.5)), "smirnov_sf(0, x) is NaN", mlwatch::smirnov_sf(0, 0.5), NAN);
  check(std::isnan(mlwatch::smirnov_sf(10.5, 0.5)), "smirnov_sf(10.5, x) is NaN", mlwatch::smirnov_sf(10.5, 0.5), NAN);
  check(std::isnan(mlwatch::smirnov_sf(10, NAN)), "smirnov_sf(n, NaN) is NaN", mlwatch::smirnov_sf(10, NAN), NAN);
  check(mlwatch::smirnov_sf(10, 0) == 1 && mlwatch::smirnov_sf(10, 1) == 0, "smirnov_sf ends", 0, 0);
}

// ecdf_distances against a direct evaluation of both ECDFs at every pooled value.
static void test_ecdf_distances(size_t na, size_t nb, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<int> value(0, 40);
  std::vector<double> a(na), b(nb);
  for (auto& v : a) v = value(gen) * 0.25;
  for (auto& v : b) v = value(gen) * 0.3;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  std::sort(pooled.begin(), pooled.end());
  double ks = 0, w = 0;
  for (size_t i = 0; i < pooled.size(); ++i) {
    const double fa = static_cast<double>(std::upper_bound(a.begin(), a.end(), pooled[i]) - a.begin()) / na;
    const double fb = static_cast<double>(std::upper_bound(b.begin(), b.end(), pooled[i]) - b.begin()) / nb;
    ks = std::max(ks, std::fabs(fa - fb));
    if (i + 1 < pooled.size()) w += std::fabs(fa - fb) * (pooled[i + 1] - pooled[i]);
  }
  mlwatch::SamplePair pair{a.data(), na, b.data(), nb};
  mlwatch::SamplePair empty{a.data(), na, b.data(), 0};
  mlwatch::SamplePair pairs[2] = {pair, empty};
  double got_ks[2], got_w[2];
  mlwatch::ecdf_distances(pairs, 2, got_ks, got_w);
  check(got_ks[0] == ks, "ecdf ks", got_ks[0], ks);
  check(close(got_w[0], w, 1e-12), "ecdf wasserstein", got_w[0], w);
  check(std::isnan(got_ks[1]) && std::isnan(got_w[1]), "ecdf empty sample gives NaN", got_ks[1], NAN);
}

// ecdf_walk over blocks of every size gives ecdf_distances' answer bit for bit: the block ends
// (ties split across blocks, one block used up long before the other) change nothing.
static void test_ecdf_walk_blocks(size_t na, size_t nb, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<int> value(0, 60);
  std::vector<double> a(na), b(nb);
  for (auto& v : a) v = value(gen) * 0.5;
  for (auto& v : b) v = value(gen) * 0.25 + 3;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  mlwatch::SamplePair pair{a.data(), na, b.data(), nb};
  double ks, w;
  mlwatch::ecdf_distances(&pair, 1, &ks, &w);
  const size_t sizes[][2] = {{1, 1}, {1, 997}, {7, 3}, {64, 1000}, {na, 1}, {na, nb}};
  for (const auto& size : sizes) {
    mlwatch::EcdfWalkState s{static_cast<double>(na), static_cast<double>(nb), 0, 0, 0, 0, 0, 0, 0};
    size_t a0 = 0, b0 = 0, at_a = 0, at_b = 0;  // current block [x0, x0 + size) and the position in it
    for (int guard = 0; guard < 1'000'000; ++guard) {
      const size_t a1 = std::min(na, a0 + size[0]), b1 = std::min(nb, b0 + size[1]);
      const bool a_final = a1 == na, b_final = b1 == nb;
      const double i_before = s.i, j_before = s.j;
      mlwatch::ecdf_walk(a.data() + at_a, a1 - at_a, a_final, b.data() + at_b, b1 - at_b, b_final, s);
      at_a += static_cast<size_t>(s.i - i_before);
      at_b += static_cast<size_t>(s.j - j_before);
      if (a_final && b_final) break;
      if (at_a == a1 && !a_final) a0 = a1;  // the next block of a
      if (at_b == b1 && !b_final) b0 = b1;
    }
    check(s.i == static_cast<double>(na) && s.j == static_cast<double>(nb), "ecdf_walk consumes everything", s.i + s.j, na + nb);
    check(mlwatch::ecdf_walk_ks(s) == ks, "ecdf_walk ks over blocks", mlwatch::ecdf_walk_ks(s), ks);
    check(mlwatch::ecdf_walk_wasserstein(s) == w, "ecdf_walk wasserstein over blocks", mlwatch::ecdf_walk_wasserstein(s), w);
  }
}

// accumulate_column_stats over blocks of rows against column_stats on the whole matrix.
static void test_column_stats_blocks(size_t rows, size_t cols, size_t block, double offset, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 0.01);
  std::vector<double> data(rows * cols);
  for (size_t i = 0; i < data.size(); ++i) data[i] = offset + normal(gen);
  for (size_t r = 0; r < rows; r += 7) data[r * cols] = std::numeric_limits<double>::quiet_NaN();
  // The last column starts with a block and a half of NaN: its shift waits for the first block with values.
  for (size_t r = 0; r < block + block / 2 && r < rows; ++r) data[r * cols + cols - 1] = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> whole(6 * cols), carried(6 * cols), state(mlwatch::kColumnStatsFields * cols);
  auto out = [cols](std::vector<double>& v) {
    return mlwatch::ColumnStatsOut{&v[0], &v[cols], &v[2 * cols], &v[3 * cols], &v[4 * cols], &v[5 * cols]};
  };
  mlwatch::column_stats(data.data(), rows, cols, out(whole));
  mlwatch::fresh_column_stats_state(cols, state.data());
  for (size_t r0 = 0; r0 < rows; r0 += block)
    mlwatch::accumulate_column_stats(data.data() + r0 * cols, std::min(block, rows - r0), cols, state.data());
  mlwatch::column_stats_of_state(state.data(), cols, out(carried));
  for (size_t k = 0; k < 6 * cols; ++k) {
    const bool exact = k < 2 * cols || k >= 4 * cols;  // counts and extremes are exact
    check(exact ? carried[k] == whole[k] : close(carried[k], whole[k], 1e-12), "accumulate_column_stats over blocks",
          carried[k], whole[k]);
  }
}

int main() {
  std::printf("SIMD level: %s\n", mlwatch::simd_level_name(mlwatch::simd_level()));
  test_column_stats<float>(1, 1, 0, 1, 0.05);
  test_column_stats<float>(3, 7, 1e4, 2, 0.05);
  test_column_stats<double>(1000, 5, 1e8, 3, 0.05);
  test_column_stats<float>(70'001, 11, 100, 4, 0.05);   // several tasks on the thread pool
  test_column_stats<double>(40'000, 33, 1e6, 5, 0.05);
  test_column_stats<float>(50'000, 41, 1e4, 6, 0.0);    // NaN-free: the AVX2 register strips
  test_column_stats<double>(50'000, 19, 1e8, 7, 0.0);
  test_column_stats<float>(60'000, 35, 10, 8, 1e-5);    // a few NaN: both paths in one matrix
  test_quantiles(1, 0, 6);
  test_quantiles(1000, 0, 7);
  test_quantiles(300'000, 0, 8);   // the sample-bracketed path
  test_quantiles(300'000, 3, 9);   // heavy ties on the bracketed path
  test_quantiles(2'000'001, 0, 10);
  test_quantiles_bracketed_edges();
  test_sketch_bins();
  test_sort_columns<float>(1, 1, 0, 1, 16, false);
  test_sort_columns<float>(5'000, 37, 3, 30, 17, false);     // radix path, groups of columns
  test_sort_columns<float>(3'000, 5, 1, 3, 18, true);        // heavy ties (passes skipped)
  test_sort_columns<double>(4'000, 9, 0, 9, 19, false);
  test_sort_columns<double>(300, 3, 2, 1, 20, true);         // below the radix minimum
  for (size_t n : {0, 1, 2, 3, 7, 511, 512, 513, 1'001, 4'099, 70'001}) {
    for (size_t parts : {1, 2, 3, 5, 8, 16}) {
      test_radix_sort<double>(n, parts, static_cast<unsigned>(30 + n + parts), false);
      test_radix_sort<float>(n, parts, static_cast<unsigned>(40 + n + parts), true);  // duplicates, skipped passes
    }
  }
  test_sort_split_columns<double>(1 << 17, 1, 50);        // one column: every thread on it
  test_sort_split_columns<float>((1 << 17) + 3, 1, 51);   // odd rows, narrow keys converted from scratch
  test_sort_split_columns<double>(3 * (1 << 15) + 1, 2, 52);
  test_sort_split_columns<float>(200'001, 2, 53);
  test_sort_arrays({}, 60);
  test_sort_arrays({0}, 61);
  test_sort_arrays({1 << 17}, 62);                          // one array: split across the threads
  test_sort_arrays({5'000, 0, 1, 300, 70'001, 4'099}, 63);  // whole arrays, longest first
  test_sort_arrays({200'001, 3 * (1 << 15) + 1}, 64);
  // Doubles split across threads: the MSD-first sort straight from the gathered parts when at
  // least 2^16 values are finite, the packed short-array path when NaN leaves fewer.
  test_sort_split_columns<double>(70'000, 1, 54);          // about 68 600 finite: MSD
  test_sort_split_columns<double>(66'000, 1, 55, 5);       // about 62 700 finite: packed, LSD
  test_sort_split_columns<double>(1'000'003, 1, 56);
  for (size_t n : {65'535, 65'536, 65'537, 200'003}) {
    for (size_t parts : {1, 2, 3, 8}) {
      for (int kind = 0; kind < 7; ++kind) test_radix_sort_msd(n, parts, kind, static_cast<unsigned>(60 + n + parts + kind));
    }
  }
  for (size_t misalign = 0; misalign < 8; ++misalign) {
    test_radix_sort_msd(100'003, 1, 0, static_cast<unsigned>(70 + misalign), misalign);
    test_radix_sort_msd(100'003, 2, 5, static_cast<unsigned>(80 + misalign), misalign);
  }
  test_radix_sort_msd(1 << 20, 2, 0, 61);
  test_radix_sort_msd(1 << 20, 1, 3, 62);
  test_smirnov();
  test_ecdf_distances(1, 1, 21);
  test_ecdf_distances(2'000, 1'500, 22);
  test_ecdf_walk_blocks(1, 1, 23);
  test_ecdf_walk_blocks(5'000, 3'001, 24);
  test_column_stats_blocks(10'000, 3, 1, 0, 25);
  test_column_stats_blocks(100'000, 2, 1'000, 1e12, 26);  // far from zero: the shift keeps the spread
  test_dense(1, 1, 1, mlwatch::Activation::Linear, 11);
  test_dense(7, 13, 17, mlwatch::Activation::Relu, 12);       // tails of tiles and panels
  test_dense(200, 64, 10, mlwatch::Activation::Softmax, 13);  // several tasks
  test_dense(97, 33, 5, mlwatch::Activation::Sigmoid, 14);
  test_dense(50, 16, 32, mlwatch::Activation::Tanh, 15);
  if (failures) {
    std::printf("%d failed\n", failures);
    return 1;
  }
  std::printf("kernel tests: all passed\n");
  return 0;
}
