// The CUDA dense layers and argmax against their CPU twins (native/kernels/dense.cc): single
// layers of odd shapes with every activation, stacks with float and double input (several chunks,
// both streams), argmax with ties and NaN, and errors thrown as std::runtime_error.
// Exits 77 (CTest's skip) where no CUDA device is present.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/cuda_api.h"
#include "kernels/dense.h"

static int failures = 0;

static void fail(const std::string& what) {
  ++failures;
  std::fprintf(stderr, "FAIL %s\n", what.c_str());
}

static const char* act_name(mlwatch::Activation a) {
  static const char* names[] = {"linear", "relu", "sigmoid", "tanh", "softmax"};
  return names[static_cast<int>(a)];
}

static std::vector<float> uniform(size_t n, float lo, float hi, std::mt19937& gen) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(gen);
  return v;
}

// |gpu - cpu| <= 1e-5 * max(1, max |cpu|), element by element; NaN must match NaN.
static void compare(const std::vector<float>& gpu, const std::vector<float>& cpu, const std::string& what) {
  if (gpu.size() != cpu.size()) return fail(what + ": sizes differ");
  double scale = 1.0;
  for (float v : cpu)
    if (std::isfinite(v)) scale = std::max(scale, std::fabs(static_cast<double>(v)));
  const double tol = 1e-5 * scale;
  size_t bad = 0, first = 0;
  double worst = 0;
  for (size_t i = 0; i < cpu.size(); ++i) {
    const double g = gpu[i], c = cpu[i];
    const bool ok = std::isnan(c) ? std::isnan(g) : std::fabs(g - c) <= tol;
    if (!ok) {
      if (bad++ == 0) first = i;
      if (!std::isnan(g - c)) worst = std::max(worst, std::fabs(g - c));
    }
  }
  if (bad)
    fail(what + ": " + std::to_string(bad) + " of " + std::to_string(cpu.size()) + " values off (first at " +
         std::to_string(first) + ": gpu " + std::to_string(gpu[first]) + " cpu " + std::to_string(cpu[first]) +
         "; worst " + std::to_string(worst) + ", tolerance " + std::to_string(tol) + ")");
}

static void test_dense(size_t rows, size_t n_in, size_t n_out, mlwatch::Activation act, std::mt19937& gen) {
  const std::vector<float> x = uniform(rows * n_in, -1.0f, 1.0f, gen);
  const float ws = 1.5f / std::sqrt(static_cast<float>(n_in));
  const std::vector<float> w = uniform(n_in * n_out, -ws, ws, gen);
  const std::vector<float> b = uniform(n_out, -0.5f, 0.5f, gen);
  std::vector<float> cpu(rows * n_out), gpu(rows * n_out, -12345.0f);
  mlwatch::dense_forward(x.data(), rows, n_in, w.data(), b.data(), n_out, act, cpu.data());
  const std::string what = "dense_forward rows=" + std::to_string(rows) + " n_in=" + std::to_string(n_in) +
                           " n_out=" + std::to_string(n_out) + " " + act_name(act);
  try {
    mlwatch::cuda::dense_forward(x.data(), rows, n_in, w.data(), b.data(), n_out, act, gpu.data());
  } catch (const std::exception& e) {
    return fail(what + ": threw " + e.what());
  }
  compare(gpu, cpu, what);
}

struct Layer {
  std::vector<float> w, b;
  size_t n_in, n_out;
  mlwatch::Activation act;
};

static std::vector<Layer> make_stack(const std::vector<size_t>& widths, const std::vector<mlwatch::Activation>& acts,
                                     std::mt19937& gen) {
  std::vector<Layer> layers;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const float ws = 1.5f / std::sqrt(static_cast<float>(widths[l]));
    layers.push_back({uniform(widths[l] * widths[l + 1], -ws, ws, gen), uniform(widths[l + 1], -0.5f, 0.5f, gen),
                      widths[l], widths[l + 1], acts[l]});
  }
  return layers;
}

// The stack on the GPU against the CPU kernel layer by layer; each CPU layer's output is the next
// one's input, and the final output is compared with the tolerance of the last layer's scale.
template <typename T>
static void test_stack(size_t rows, const std::vector<size_t>& widths, const std::vector<mlwatch::Activation>& acts,
                       std::mt19937& gen, const char* type) {
  const std::vector<Layer> layers = make_stack(widths, acts, gen);
  std::vector<T> x(rows * widths[0]);
  {
    std::uniform_real_distribution<double> d(-1.0, 1.0);
    for (T& v : x) v = static_cast<T>(d(gen));
  }
  std::vector<float> in(x.begin(), x.end());  // what the device gets: float32
  for (const Layer& L : layers) {
    std::vector<float> o(rows * L.n_out);
    mlwatch::dense_forward(in.data(), rows, L.n_in, L.w.data(), L.b.data(), L.n_out, L.act, o.data());
    in.swap(o);
  }
  std::vector<mlwatch::cuda::LayerView> views;
  for (const Layer& L : layers) views.push_back({L.w.data(), L.b.data(), L.n_in, L.n_out, L.act});
  std::vector<float> gpu(rows * widths.back(), -12345.0f);
  std::string what = std::string("dense_stack_forward<") + type + "> rows=" + std::to_string(rows) + " widths";
  for (size_t w : widths) what += " " + std::to_string(w);
  try {
    mlwatch::cuda::dense_stack_forward(x.data(), rows, views.data(), views.size(), gpu.data());
  } catch (const std::exception& e) {
    return fail(what + ": threw " + e.what());
  }
  compare(gpu, in, what);
}

static uint32_t bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

// Values from a few levels (ties), NaN in places, some rows all NaN, some starting with NaN,
// signed zeros and infinities.
static void test_argmax(size_t rows, size_t cols, std::mt19937& gen) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  std::uniform_int_distribution<int> level(-3, 3), kind(0, 99);
  std::vector<float> p(rows * cols);
  for (size_t r = 0; r < rows; ++r) {
    float* row = &p[r * cols];
    const int k = kind(gen);
    for (size_t j = 0; j < cols; ++j) {
      const int u = kind(gen);
      float v = static_cast<float>(level(gen)) * 0.25f;
      if (u < 8) v = nan;
      else if (u < 10) v = -0.0f;
      else if (u < 11) v = (u & 1) ? inf : -inf;
      row[j] = v;
    }
    if (k < 5) std::fill(row, row + cols, nan);           // all NaN
    else if (k < 15) row[0] = nan;                          // NaN first
    else if (k < 20) std::fill(row, row + cols, -inf);      // all equal
    else if (k < 25 && cols > 1) row[cols - 1] = inf;       // the last wins
  }
  std::vector<int32_t> cpu_l(rows), gpu_l(rows, -1);
  std::vector<float> cpu_c(rows), gpu_c(rows, 12345.0f);
  mlwatch::argmax_rows(p.data(), rows, cols, cpu_l.data(), cpu_c.data());
  const std::string what = "argmax_rows rows=" + std::to_string(rows) + " cols=" + std::to_string(cols);
  try {
    mlwatch::cuda::argmax_rows(p.data(), rows, cols, gpu_l.data(), gpu_c.data());
  } catch (const std::exception& e) {
    return fail(what + ": threw " + e.what());
  }
  size_t bad = 0, first = 0;
  for (size_t r = 0; r < rows; ++r)
    if (gpu_l[r] != cpu_l[r] || bits(gpu_c[r]) != bits(cpu_c[r]))
      if (bad++ == 0) first = r;
  if (bad)
    fail(what + ": " + std::to_string(bad) + " rows differ (first " + std::to_string(first) + ": gpu " +
         std::to_string(gpu_l[first]) + "/" + std::to_string(gpu_c[first]) + " cpu " + std::to_string(cpu_l[first]) +
         "/" + std::to_string(cpu_c[first]) + ")");
}

static void test_errors(std::mt19937& gen) {
  // 2^20 x 2^20 weights (4 TiB): the device allocation fails before any host memory is read, so
  // small buffers stand in for the huge ones.
  std::vector<float> small(16, 1.0f);
  const size_t huge = size_t{1} << 20;
  bool threw = false;
  try {
    mlwatch::cuda::dense_forward(small.data(), 1, huge, small.data(), small.data(), huge, mlwatch::Activation::Linear,
                                 small.data());
  } catch (const std::runtime_error& e) {
    threw = true;
    const std::string m = e.what();
    if (m.find("denseForward") == std::string::npos ||
        (m.find("out of memory") == std::string::npos && m.find("allocating") == std::string::npos))
      fail("out-of-memory message: " + m);
    else
      std::printf("expected error: %s\n", m.c_str());
  } catch (const std::exception& e) {
    threw = true;
    fail(std::string("out of memory threw a non-runtime_error: ") + e.what());
  }
  if (!threw) fail("dense_forward with 4 TiB of weights did not throw");

  // Layers that do not chain.
  threw = false;
  std::vector<mlwatch::cuda::LayerView> bad = {{small.data(), small.data(), 2, 3, mlwatch::Activation::Relu},
                                               {small.data(), small.data(), 4, 1, mlwatch::Activation::Linear}};
  try {
    mlwatch::cuda::dense_stack_forward(small.data(), 1, bad.data(), bad.size(), small.data());
  } catch (const std::runtime_error& e) {
    threw = std::string(e.what()).find("denseStackForward") != std::string::npos;
    if (!threw) fail(std::string("mismatched layers: message without the call: ") + e.what());
    threw = true;
  }
  if (!threw) fail("dense_stack_forward with mismatched layers did not throw");

  // The device still works afterwards.
  test_dense(1000, 64, 10, mlwatch::Activation::Softmax, gen);
}

// --small: the small cases only (for compute-sanitizer), one multi-chunk stack included.
int main(int argc, char** argv) {
  const mlwatch::CudaProbe& probe = mlwatch::cuda_probe();
  if (probe.device_count == 0) {
    std::printf("SKIP: no CUDA device (%s)\n", probe.error.c_str());
    return 77;
  }
  const bool small = argc > 1 && std::string(argv[1]) == "--small";
  std::printf("device: %s\n", probe.names.empty() ? "?" : probe.names[0].c_str());
  std::mt19937 gen(20240611u);
  using A = mlwatch::Activation;
  const A acts[] = {A::Linear, A::Relu, A::Sigmoid, A::Tanh, A::Softmax};
  std::vector<size_t> row_counts = {1, 7, 1000};
  if (!small) row_counts.push_back(70001);

  for (size_t rows : row_counts)
    for (size_t n_in : {size_t{1}, size_t{3}, size_t{64}, size_t{257}})
      for (size_t n_out : {size_t{1}, size_t{10}, size_t{64}, size_t{129}})
        for (A act : acts) test_dense(rows, n_in, n_out, act, gen);
  // Every tile configuration's and softmax group's edges: widths around 4, 8, 16, 32, 64, 128 and 192.
  for (size_t n_out : {size_t{2}, size_t{3}, size_t{5}, size_t{8}, size_t{15}, size_t{16}, size_t{17}, size_t{31},
                       size_t{32}, size_t{33}, size_t{63}, size_t{65}, size_t{127}, size_t{128}, size_t{192},
                       size_t{193}, size_t{256}, size_t{1000}})
    for (size_t n_in : {size_t{4}, size_t{9}, size_t{128}})
      for (A act : {A::Sigmoid, A::Tanh, A::Softmax}) test_dense(301, n_in, n_out, act, gen);
  if (!small) {
    test_dense(2000, 2000, 300, A::Linear, gen);
    test_stack<float>(100003, {256, 128, 64, 10}, {A::Relu, A::Relu, A::Softmax}, gen, "float");
    test_stack<double>(100003, {256, 128, 64, 10}, {A::Relu, A::Relu, A::Softmax}, gen, "double");
    test_stack<double>(70001, {257, 129}, {A::Softmax}, gen, "double");
  }
  // Three chunks: both streams' buffers reused.
  test_stack<double>(300007, {64, 128, 3}, {A::Tanh, A::Sigmoid}, gen, "double");
  test_stack<float>(1000, {5, 33, 17, 129, 2}, {A::Linear, A::Sigmoid, A::Tanh, A::Softmax}, gen, "float");
  test_stack<float>(7, {3, 1}, {A::Relu}, gen, "float");

  for (size_t rows : row_counts)
    for (size_t cols : {size_t{1}, size_t{2}, size_t{3}, size_t{10}, size_t{32}, size_t{33}, size_t{64}, size_t{129},
                        size_t{1000}})
      test_argmax(rows, cols, gen);

  test_errors(gen);

  if (failures) {
    std::fprintf(stderr, "%d failure(s)\n", failures);
    return 1;
  }
  std::printf("cuda dense: all passed\n");
  return 0;
}
