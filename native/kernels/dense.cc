// Twin of src/backend/js/dense.ts (the js backend) and native/cuda/dense.cu (the cuda backend).
// GEMM with a register-blocked AVX2/FMA micro-kernel, bias and activation fused into the
// output pass, threads over blocks of rows.
//
// W is packed once per call into panels of 16 columns (k-major, zero-padded), so the micro-
// kernel streams one panel (n_in x 16 floats, L1/L2-resident) while 6 rows of x are broadcast
// from L1: a 6 x 16 tile of outputs lives in 12 ymm registers for the whole k loop. Rows are
// processed in tasks of 96 (16 tiles) on the thread pool.
#include "kernels/dense.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/dense_tile.h"
#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

using namespace dense_detail;

constexpr size_t kTaskRows = 96;   // rows per thread-pool task

// Packs W (n_in x n_out) into ceil(n_out / 16) panels of n_in x 16, zero-padded.
std::vector<float> pack_weights(const float* w, size_t n_in, size_t n_out) {
  const size_t panels = (n_out + kPanel - 1) / kPanel;
  std::vector<float> packed(panels * n_in * kPanel, 0.0f);
  for (size_t p = 0; p < panels; ++p) {
    const size_t c0 = p * kPanel, width = std::min(kPanel, n_out - c0);
    float* dst = &packed[p * n_in * kPanel];
    for (size_t k = 0; k < n_in; ++k) std::copy(w + k * n_out + c0, w + k * n_out + c0 + width, dst + k * kPanel);
  }
  return packed;
}

// Portable tile: rows r0..r0+nr of x against one panel, plus bias (and relu), into acc[nr][16].
void tile_portable(const float* x, size_t n_in, size_t nr, const float* panel, const float* bias16, bool relu,
                   float acc[kTileRows][kPanel]) {
  for (size_t i = 0; i < nr; ++i) std::fill(acc[i], acc[i] + kPanel, 0.0f);
  for (size_t k = 0; k < n_in; ++k) {
    const float* wk = panel + k * kPanel;
    for (size_t i = 0; i < nr; ++i) {
      const float xv = x[i * n_in + k];
      for (size_t j = 0; j < kPanel; ++j) acc[i][j] += xv * wk[j];
    }
  }
  for (size_t i = 0; i < nr; ++i)
    for (size_t j = 0; j < kPanel; ++j) {
      const float v = acc[i][j] + bias16[j];
      acc[i][j] = relu ? (v > 0.0f ? v : 0.0f) : v;  // relu(NaN) = 0, as maxps and the other backends give
    }
}


// Bias and relu are applied in the tile; sigmoid and tanh here; softmax per row afterwards.
inline float activate(float v, Activation act) {
  switch (act) {
    case Activation::Sigmoid: return 1.0f / (1.0f + std::exp(-v));
    case Activation::Tanh: return std::tanh(v);
    default: return v;
  }
}

void softmax_row(float* row, size_t n) {
  float row_max = -std::numeric_limits<float>::infinity();
  for (size_t j = 0; j < n; ++j) row_max = std::max(row_max, row[j]);
  double sum = 0.0;
  for (size_t j = 0; j < n; ++j) {
    row[j] = std::exp(row[j] - row_max);
    sum += row[j];
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (size_t j = 0; j < n; ++j) row[j] *= inv;
}

void rows_forward(const float* x, size_t r0, size_t r1, size_t n_in, const std::vector<float>& packed,
                  const std::vector<float>& bias, size_t n_out, Activation act, float* out, TileFn tile) {
  alignas(32) float acc[kTileRows][kPanel];
  const size_t panels = (n_out + kPanel - 1) / kPanel;
  const bool relu = act == Activation::Relu;
  const bool scalar_activation = act == Activation::Sigmoid || act == Activation::Tanh;
  for (size_t r = r0; r < r1; r += kTileRows) {
    const size_t nr = std::min(kTileRows, r1 - r);
    for (size_t p = 0; p < panels; ++p) {
      const float* panel = &packed[p * n_in * kPanel];
      const float* bias16 = &bias[p * kPanel];
      tile(x + r * n_in, n_in, nr, panel, bias16, relu, acc);
      const size_t c0 = p * kPanel, width = std::min(kPanel, n_out - c0);
      for (size_t i = 0; i < nr; ++i) {
        float* dst = out + (r + i) * n_out + c0;
        if (scalar_activation)
          for (size_t j = 0; j < width; ++j) dst[j] = activate(acc[i][j], act);
        else
          std::copy(acc[i], acc[i] + width, dst);
      }
    }
    if (act == Activation::Softmax)
      for (size_t i = 0; i < nr; ++i) softmax_row(out + (r + i) * n_out, n_out);
  }
}

const DenseTile kPortableTile{&tile_portable, "baseline"};

// The tile of this CPU's SIMD level, chosen once.
const DenseTile& chosen_tile() {
  static const DenseTile& chosen = simd_level() == SimdLevel::Avx2Fma && avx2_dense_tile() ? *avx2_dense_tile() : kPortableTile;
  return chosen;
}

}  // namespace

void dense_forward(const float* x, size_t rows, size_t n_in, const float* w, const float* b, size_t n_out,
                   Activation act, float* out) {
  if (rows == 0 || n_out == 0) return;
  const std::vector<float> packed = pack_weights(w, n_in, n_out);
  std::vector<float> bias(((n_out + kPanel - 1) / kPanel) * kPanel, 0.0f);  // padded to whole panels
  std::copy(b, b + n_out, bias.begin());
  const TileFn tile = chosen_tile().tile;
  const size_t tasks = (rows + kTaskRows - 1) / kTaskRows;
  parallel_for(tasks, [&](size_t t) {
    const size_t r0 = t * kTaskRows, r1 = std::min(rows, r0 + kTaskRows);
    rows_forward(x, r0, r1, n_in, packed, bias, n_out, act, out, tile);
  });
}

void argmax_rows(const float* p, size_t rows, size_t cols, int32_t* labels, float* confidence) {
  for (size_t r = 0; r < rows; ++r) {
    const float* row = p + r * cols;
    size_t best = 0;
    float value = row[0];
    for (size_t j = 1; j < cols; ++j)
      if (row[j] > value || (value != value && row[j] == row[j])) best = j, value = row[j];
    labels[r] = static_cast<int32_t>(best);
    confidence[r] = value;
  }
}

const char* dense_path() { return chosen_tile().path; }

}  // namespace mlwatch
