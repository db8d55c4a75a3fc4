// The CUDA kernels against their CPU twins (native/kernels) on random data of odd shapes: one
// row, one column, 1e6 x 3, NaN and ±Inf, all-equal columns, 2^24 + 1 values. Sorted columns,
// quantiles and the KS statistic must be bit-identical; statistics and Wasserstein within 1e-12
// relative. Also: a device error is a thrown std::runtime_error and the next call works.
// Exits 77 (CTest's skip) without a device. MLWATCH_CUDA_TEST_SMALL=1 leaves out the largest
// cases (for runs under compute-sanitizer, which slows kernels down a hundredfold).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/cuda_api.h"
#include "kernels/column_stats.h"
#include "kernels/ecdf_distances.h"
#include "kernels/quantiles.h"
#include "kernels/sketch_bins.h"
#include "kernels/sort_columns.h"

static int failures = 0;
static int checks = 0;

static void check(bool ok, const std::string& what, double got, double want) {
  ++checks;
  if (!ok) {
    ++failures;
    if (failures < 40) std::fprintf(stderr, "FAIL %s: got %.17g want %.17g\n", what.c_str(), got, want);
  }
}

static bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

static bool close(double got, double want, double rel) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= rel * std::max(1e-300, std::fabs(want));
}

enum class Fill { Normal, Offset, Special, Equal, Ties };

template <typename T>
static std::vector<T> matrix(size_t rows, size_t cols, Fill fill, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<T> data(rows * cols);
  for (size_t i = 0; i < data.size(); ++i) {
    const size_t c = i % cols;
    double v = normal(gen) * (1.0 + static_cast<double>(c));
    switch (fill) {
      case Fill::Normal: break;
      case Fill::Offset: v = 1e8 * static_cast<double>(c % 3) + v; break;
      case Fill::Equal: v = 3.25; break;
      case Fill::Ties: v = std::floor(v * 2); break;
      case Fill::Special: {
        const int p = pick(gen);
        v = p == 0   ? std::numeric_limits<double>::quiet_NaN()
            : p == 1 ? -INFINITY
            : p == 2 ? INFINITY
            : p == 3 ? -0.0
            : p == 4 ? 0.0
                     : v;
      }
    }
    data[i] = static_cast<T>(v);
  }
  return data;
}

template <typename T>
static void test_column_stats(size_t rows, size_t cols, Fill fill, unsigned seed, const char* label) {
  const std::vector<T> data = matrix<T>(rows, cols, fill, seed);
  std::vector<double> cpu(6 * cols), gpu(6 * cols, -7.0);
  auto out = [cols](std::vector<double>& v) {
    return mlwatch::ColumnStatsOut{&v[0], &v[cols], &v[2 * cols], &v[3 * cols], &v[4 * cols], &v[5 * cols]};
  };
  mlwatch::column_stats(data.data(), rows, cols, out(cpu));
  mlwatch::cuda::column_stats(data.data(), rows, cols, out(gpu));
  const char* names[6] = {"count", "nan_count", "mean", "std", "min", "max"};
  for (size_t k = 0; k < 6; ++k) {
    for (size_t c = 0; c < cols; ++c) {
      const double g = gpu[k * cols + c], w = cpu[k * cols + c];
      // std: relative 1e-12, with an absolute floor at the rounding of the mean's scale (all-equal columns).
      const bool ok = k == 3 ? (close(g, w, 1e-12) || std::fabs(g - w) <= 1e-12 * std::fabs(cpu[2 * cols + c]))
                             : (k < 2 || k > 3 ? (same_bits(g, w) || (std::isnan(g) && std::isnan(w))) : close(g, w, 1e-12));
      check(ok, std::string("columnStats ") + label + " " + names[k] + " col " + std::to_string(c), g, w);
    }
  }
}

template <typename T>
static void test_sort(size_t rows, size_t cols, size_t first, size_t count, Fill fill, unsigned seed, const char* label) {
  const std::vector<T> data = matrix<T>(rows, cols, fill, seed);
  std::vector<double> cpu(rows * count), gpu(rows * count, -7.0), cpu_n(count), gpu_n(count, -1);
  mlwatch::sort_columns(data.data(), rows, cols, first, count, cpu.data(), cpu_n.data());
  mlwatch::cuda::sort_columns(data.data(), rows, cols, first, count, gpu.data(), gpu_n.data());
  for (size_t k = 0; k < count; ++k) {
    check(cpu_n[k] == gpu_n[k], std::string("sortColumns ") + label + " count", gpu_n[k], cpu_n[k]);
    size_t bad = 0;
    for (size_t i = 0; i < static_cast<size_t>(cpu_n[k]); ++i)
      if (!same_bits(gpu[k * rows + i], cpu[k * rows + i])) ++bad;
    check(bad == 0, std::string("sortColumns ") + label + " values differ in bits (column " + std::to_string(k) + ")",
          static_cast<double>(bad), 0);
  }
}

static std::vector<double> sorted_sample(size_t n, unsigned seed, double shift, bool ties) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(shift, 1.0);
  std::vector<double> v(n);
  for (auto& x : v) x = ties ? std::floor(normal(gen) * 4) / 4 : normal(gen);
  std::sort(v.begin(), v.end());
  return v;
}

static void test_ecdf(size_t na, size_t nb, bool ties, unsigned seed) {
  const std::vector<double> a = sorted_sample(na, seed, 0.0, ties), b = sorted_sample(nb, seed + 1, 0.1, ties);
  // Pairs: whole arrays, inner windows, one value each, an empty side.
  const double a_start[] = {0, static_cast<double>(na / 3), 0, 0};
  const double a_count[] = {static_cast<double>(na), static_cast<double>(na - na / 3 - na / 5), 1, 0};
  const double b_start[] = {0, static_cast<double>(nb / 4), static_cast<double>(nb - 1), 0};
  const double b_count[] = {static_cast<double>(nb), static_cast<double>(nb / 2), 1, static_cast<double>(nb)};
  const size_t pairs = 4;
  std::vector<mlwatch::SamplePair> cpu_pairs(pairs);
  for (size_t k = 0; k < pairs; ++k)
    cpu_pairs[k] = {a.data() + static_cast<size_t>(a_start[k]), static_cast<size_t>(a_count[k]),
                    b.data() + static_cast<size_t>(b_start[k]), static_cast<size_t>(b_count[k])};
  double cks[pairs], cw[pairs], gks[pairs], gw[pairs];
  mlwatch::ecdf_distances(cpu_pairs.data(), pairs, cks, cw);
  mlwatch::cuda::ecdf_distances(a.data(), na, b.data(), nb, {a_start, a_count, b_start, b_count, pairs}, gks, gw);
  for (size_t k = 0; k < pairs; ++k) {
    const std::string what = "ecdfDistances " + std::to_string(na) + "x" + std::to_string(nb) + " pair " + std::to_string(k);
    check(same_bits(gks[k], cks[k]) || (std::isnan(gks[k]) && std::isnan(cks[k])), what + " ks", gks[k], cks[k]);
    check(close(gw[k], cw[k], 1e-12), what + " wasserstein", gw[k], cw[k]);
  }
}

// sortAndMeasure against sort_columns + ecdf_distances on the CPU.
template <typename T>
static void test_sort_and_measure(size_t rows, size_t cols, Fill fill, unsigned seed, bool with_values) {
  const std::vector<T> data = matrix<T>(rows, cols, fill, seed);
  const std::vector<T> ref_data = matrix<T>(rows + 17, cols, fill, seed + 100);
  std::vector<double> ref(cols * (rows + 17)), ref_n(cols);
  mlwatch::sort_columns(ref_data.data(), rows + 17, cols, 0, cols, ref.data(), ref_n.data());
  std::vector<double> cur(rows * cols), cur_n(cols);
  mlwatch::sort_columns(data.data(), rows, cols, 0, cols, cur.data(), cur_n.data());
  std::vector<double> a_start, a_count, column;
  std::vector<mlwatch::SamplePair> cpu_pairs;
  for (size_t c = 0; c < cols; c += 1 + (c % 2)) {  // not every column
    a_start.push_back(static_cast<double>(c * (rows + 17)));
    a_count.push_back(ref_n[c]);
    column.push_back(static_cast<double>(c));
    cpu_pairs.push_back({ref.data() + c * (rows + 17), static_cast<size_t>(ref_n[c]), cur.data() + c * rows,
                         static_cast<size_t>(cur_n[c])});
  }
  const size_t pairs = column.size();
  std::vector<double> cks(pairs), cw(pairs), gks(pairs), gw(pairs), counts(cols), values(with_values ? rows * cols : 0);
  mlwatch::ecdf_distances(cpu_pairs.data(), pairs, cks.data(), cw.data());
  mlwatch::cuda::HeldSamples* held = mlwatch::cuda::hold_samples(ref.data(), ref.size());
  mlwatch::cuda::sort_and_measure(data.data(), rows, cols, 0, cols, held, {a_start.data(), a_count.data(), column.data(), pairs},
                                  with_values ? values.data() : nullptr, counts.data(), gks.data(), gw.data());
  mlwatch::cuda::release_samples(held);
  for (size_t c = 0; c < cols; ++c) check(counts[c] == cur_n[c], "sortAndMeasure count", counts[c], cur_n[c]);
  for (size_t j = 0; j < pairs; ++j) {
    check(same_bits(gks[j], cks[j]) || (std::isnan(gks[j]) && std::isnan(cks[j])), "sortAndMeasure ks", gks[j], cks[j]);
    check(close(gw[j], cw[j], 1e-12), "sortAndMeasure wasserstein", gw[j], cw[j]);
  }
  if (with_values) {
    size_t bad = 0;
    for (size_t c = 0; c < cols; ++c)
      for (size_t i = 0; i < static_cast<size_t>(cur_n[c]); ++i) bad += !same_bits(values[c * rows + i], cur[c * rows + i]);
    check(bad == 0, "sortAndMeasure values", static_cast<double>(bad), 0);
  }
}

template <typename T>
static void test_quantiles(size_t n, Fill fill, unsigned seed) {
  std::vector<T> v = matrix<T>(n, 1, fill, seed);
  if (fill == Fill::Special)  // ±Inf are values for quantiles; NaN makes every result NaN (tested below)
    for (auto& x : v)
      if (std::isnan(x)) x = static_cast<T>(1.5);
  const double q[] = {0.0, 1e-7, 0.01, 0.25, 0.5, 0.5, 0.75, 0.9, 0.999, 0.9999999, 1.0};
  const size_t nq = sizeof(q) / sizeof(q[0]);
  double cpu[nq], gpu[nq];
  mlwatch::quantiles(v.data(), n, q, nq, cpu);
  mlwatch::cuda::quantiles(v.data(), n, q, nq, gpu);
  for (size_t i = 0; i < nq; ++i)
    check(same_bits(gpu[i], cpu[i]) || (std::isnan(gpu[i]) && std::isnan(cpu[i])), "quantiles n=" + std::to_string(n) + " q=" + std::to_string(q[i]), gpu[i], cpu[i]);
  v[n / 2] = static_cast<T>(std::numeric_limits<double>::quiet_NaN());
  mlwatch::cuda::quantiles(v.data(), n, q, nq, gpu);
  for (size_t i = 0; i < nq; ++i) check(std::isnan(gpu[i]), "quantiles with a NaN give NaN", gpu[i], NAN);
}

template <typename T>
static void test_sketch_bins(size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<double> skewed(0.0, 3.0);
  std::uniform_int_distribution<int> pick(0, 999);
  std::vector<T> v(n);
  for (auto& x : v) {
    const int p = pick(gen);
    x = static_cast<T>(p == 0 ? -1.0 : p == 1 ? 0.0 : p == 2 ? 1e-12 : skewed(gen));
  }
  if (n > 10) v[n / 2] = static_cast<T>(std::numeric_limits<double>::quiet_NaN());
  const double multiplier = 1.0 / std::log(1.01 / 0.99);
  // A bound below the batch's key span for the large batch: the lowest keys share the lowest bucket.
  const size_t max_buckets = n > 1000 ? 1500 : 1 << 20;
  const mlwatch::SketchBins c = mlwatch::sketch_bins(v.data(), n, multiplier, 1e-9, max_buckets);
  const mlwatch::SketchBins g = mlwatch::cuda::sketch_bins(v.data(), n, multiplier, 1e-9, max_buckets);
  const std::string what = "sketchBins n=" + std::to_string(n);
  check(g.valid_count == c.valid_count, what + " valid", g.valid_count, c.valid_count);
  check(g.invalid_count == c.invalid_count, what + " invalid", g.invalid_count, c.invalid_count);
  check(g.first_invalid == c.first_invalid, what + " first invalid", static_cast<double>(g.first_invalid), static_cast<double>(c.first_invalid));
  check(g.zero_count == c.zero_count, what + " zero", g.zero_count, c.zero_count);
  check(g.min == c.min && g.max == c.max, what + " extremes", g.max, c.max);
  check(close(g.sum, c.sum, 1e-12), what + " sum", g.sum, c.sum);
  // Keys from two platforms' log may differ by one bucket for a value within an ulp of a boundary.
  double moved = 0, total_g = 0, total_c = 0;
  const int64_t lo = std::min(g.min_key, c.min_key);
  const int64_t hi = std::max(g.min_key + static_cast<int64_t>(g.counts.size()), c.min_key + static_cast<int64_t>(c.counts.size()));
  for (int64_t k = lo; k < hi; ++k) {
    const double gk = k >= g.min_key && k - g.min_key < static_cast<int64_t>(g.counts.size()) ? g.counts[k - g.min_key] : 0;
    const double ck = k >= c.min_key && k - c.min_key < static_cast<int64_t>(c.counts.size()) ? c.counts[k - c.min_key] : 0;
    moved += std::fabs(gk - ck);
    total_g += gk;
    total_c += ck;
  }
  check(total_g == total_c, what + " counted keys", total_g, total_c);
  check(moved <= 1e-6 * total_c + 2, what + " values in another bucket", moved, 0);
}

static void test_errors() {
  // A sort that cannot fit: an error naming the call and the memory, then a normal call works.
  bool threw = false;
  std::vector<float> tiny(4, 1.0f);
  try {
    size_t free_bytes = 0, total = 0;
    mlwatch::cuda::memory_info(&free_bytes, &total);
    // rows so large that one column cannot fit (the host pointer is never read: sizing fails first).
    const size_t rows = total / 4 * 3;
    std::vector<double> out(1), counts(1);
    mlwatch::cuda::sort_columns(tiny.data(), rows, 1, 0, 1, out.data(), counts.data());
  } catch (const std::runtime_error& e) {
    threw = true;
    const std::string m = e.what();
    check(m.find("sortColumns") != std::string::npos && m.find("free") != std::string::npos, "error names the call and memory: " + m, 0, 0);
  }
  check(threw, "an impossible sort throws", 0, 1);
  std::vector<double> out(4), counts(1);
  mlwatch::cuda::sort_columns(tiny.data(), 4, 1, 0, 1, out.data(), counts.data());
  check(counts[0] == 4 && out[3] == 1.0, "the next call works", counts[0], 4);
}

int main() {
  const mlwatch::CudaProbe& probe = mlwatch::cuda_probe();
  if (probe.device_count == 0) {
    std::printf("SKIP: no CUDA device (%s)\n", probe.error.c_str());
    return 77;
  }
  std::printf("device: %s\n", probe.names.empty() ? "?" : probe.names[0].c_str());
  const bool small = std::getenv("MLWATCH_CUDA_TEST_SMALL") != nullptr;

  test_column_stats<float>(1, 1, Fill::Normal, 1, "1x1");
  test_column_stats<double>(1, 37, Fill::Special, 2, "1x37 special");
  test_column_stats<float>(1000, 1, Fill::Special, 3, "1000x1 special");
  test_column_stats<double>(4097, 33, Fill::Offset, 4, "4097x33 offset");
  test_column_stats<float>(5000, 7, Fill::Equal, 5, "5000x7 equal");
  test_column_stats<double>(20000, 19, Fill::Normal, 6, "20000x19");
  if (!small) {
    test_column_stats<float>(1000000, 3, Fill::Special, 7, "1e6x3 special");
    test_column_stats<double>(300000, 70, Fill::Offset, 8, "3e5x70 offset");
  }

  test_sort<float>(1, 1, 0, 1, Fill::Normal, 11, "1x1");
  test_sort<double>(1, 40, 3, 30, Fill::Special, 12, "1x40");
  test_sort<float>(3000, 20, 1, 17, Fill::Special, 13, "3000x20 special (segmented)");
  test_sort<double>(2500, 7, 0, 7, Fill::Ties, 14, "2500x7 ties (segmented)");
  test_sort<float>(40000, 5, 2, 3, Fill::Equal, 15, "40000x5 equal (per column)");
  test_sort<double>(70001, 4, 0, 4, Fill::Special, 16, "70001x4 special (per column)");
  if (!small) {
    test_sort<float>(1000000, 3, 0, 3, Fill::Special, 17, "1e6x3 special");
    test_sort<float>((1u << 24) + 1, 1, 0, 1, Fill::Normal, 18, "2^24+1");
  }

  test_ecdf(1, 1, false, 21);
  test_ecdf(900, 700, true, 22);
  test_ecdf(5000, 3001, false, 23);
  if (!small) test_ecdf(1000000, 1000000, false, 24);

  test_sort_and_measure<float>(3000, 6, Fill::Special, 31, true);
  test_sort_and_measure<double>(50000, 5, Fill::Ties, 32, false);
  if (!small) test_sort_and_measure<float>(200000, 16, Fill::Normal, 33, false);

  test_quantiles<double>(1, Fill::Normal, 41);
  test_quantiles<float>(1001, Fill::Ties, 42);
  test_quantiles<double>(70001, Fill::Special, 43);
  if (!small) test_quantiles<float>((1u << 24) + 1, Fill::Normal, 44);

  test_sketch_bins<double>(1, 51);
  test_sketch_bins<float>(10000, 52);
  test_sketch_bins<double>(small ? 100000 : 3000000, 53);

  test_errors();

  if (failures) {
    std::printf("cuda kernel tests: %d of %d checks failed\n", failures, checks);
    return 1;
  }
  std::printf("cuda kernel tests: all %d checks passed\n", checks);
  return 0;
}
