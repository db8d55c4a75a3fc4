// Dense (fully connected) layers: out = act(x . W + b), and argmax/confidence of a row.
// Semantics (shared with src/backend/js/dense.ts):
//   x: rows x n_in, W: n_in x n_out (row-major, as TinyTorch's Linear), b: n_out, out: rows x n_out;
//   activations linear, relu (max(0, v)), sigmoid (1 / (1 + e^-v)), tanh, softmax (per row, with
//   the row maximum subtracted first); float32 data, float32 accumulation in the native kernel.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlwatch {

enum class Activation : int { Linear = 0, Relu = 1, Sigmoid = 2, Tanh = 3, Softmax = 4 };

void dense_forward(const float* x, size_t rows, size_t n_in, const float* w, const float* b, size_t n_out,
                   Activation act, float* out);

// The SIMD path dense_forward's tiles take on this CPU: "avx2+fma" (dense_avx2.cc) or "baseline".
const char* dense_path();

// labels[r]: index of the largest value of row r (the first one on ties; NaN never wins unless
// the row is all NaN, then 0); confidence[r]: that value.
void argmax_rows(const float* p, size_t rows, size_t cols, int32_t* labels, float* confidence);

}  // namespace mlwatch
