// Twin of native/kernels/dense.cc (the cpu backend) and src/backend/js/dense.ts (the js backend).
// Dense layers on the device: out = act(x . W + b), layer after layer, and argmax of rows, with
// the semantics of native/kernels/dense.cc.
//
// The product is a SIMT FP32 GEMM (no tensor cores: the results must match the CPU's float32
// arithmetic): 2-D block tiles, an 8 x 8 register tile per thread, the x tile stored transposed
// in shared memory, double-buffered shared memory fed through registers, and bias + activation
// applied in the epilogue. Softmax, which needs whole rows, runs as its own kernel afterwards.
//
// Rows go through in chunks, alternating two streams with their own buffers, so that the upload
// of one chunk and the download of the previous one overlap the computation of another.
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/device.h"

namespace mlwatch {
namespace cuda {

namespace {

// Bytes of one chunk's widest matrix (input, an intermediate or the output).
constexpr size_t kChunkBytes = size_t{64} << 20;

// A compile-time activation keeps the epilogue's 64 outputs free of branches and calls, which
// would otherwise cost registers (and spills) in the whole kernel.
template <int ACT>
__device__ __forceinline__ float activate(float v) {
  if (ACT == 1) return v > 0.0f ? v : 0.0f;  // as _mm256_max_ps(v, 0) in the CPU kernel
  if (ACT == 2) return 1.0f / (1.0f + expf(-v));
  if (ACT == 3) return tanhf(v);
  return v;  // linear; softmax runs as its own kernel
}

// C (m x n) = act(A (m x k) . W (k x n) + bias), all row-major and dense. One block computes a
// BM x BN tile of C; its threads form a (BM / TM) x (BN / TN) grid and each holds TM x TN outputs.
// A thread's rows are ty*4 + i + g*(BM / (TM/4)) (groups of 4, spread so that the float4 reads of
// neighbouring threads from shared memory are contiguous, free of bank conflicts); its columns
// likewise. VEC_A: k % 4 == 0, so A rows can be read as float4; VEC_B: n % 4 == 0, W rows, bias
// and C rows likewise. Every device buffer starts at an allocation (256-byte aligned).
template <int BM, int BN, int BK, int TM, int TN, int MIN_BLOCKS, bool VEC_A, bool VEC_B, int ACT>
__global__ void __launch_bounds__((BM / TM) * (BN / TN), MIN_BLOCKS)
    gemm_bias_act(const float* __restrict__ a, const float* __restrict__ w, const float* __restrict__ bias,
                  float* __restrict__ c, int m, int n, int k, int col_tiles) {
  constexpr int kThreadsN = BN / TN, kThreadsM = BM / TM, kThreads = kThreadsM * kThreadsN;
  constexpr int kLdA = BM + 4;  // the pad spreads the transposed stores over the banks; keeps 16-byte rows
  constexpr int kAVecs = BM * BK / 4, kBVecs = BK * BN / 4;  // float4 slots per tile
  constexpr int kAPer = (kAVecs + kThreads - 1) / kThreads, kBPer = (kBVecs + kThreads - 1) / kThreads;
  static_assert(TM % 4 == 0 && TN % 4 == 0 && BK % 4 == 0 && BM % TM == 0 && BN % TN == 0, "tile shape");
  static_assert(2 * BK * (kLdA + BN) * sizeof(float) <= 48 * 1024, "static shared memory");

  __shared__ __align__(16) float sa[2][BK][kLdA];  // A tile, transposed: sa[k][row]
  __shared__ __align__(16) float sb[2][BK][BN];    // W tile: sb[k][col]

  const int tid = static_cast<int>(threadIdx.x);
  const int tile = static_cast<int>(blockIdx.x);
  const int m0 = (tile / col_tiles) * BM;  // column tiles fastest: neighbouring blocks share A rows in L2
  const int n0 = (tile % col_tiles) * BN;
  const int tx = tid % kThreadsN, ty = tid / kThreadsN;

  float ra[kAPer][4], rb[kBPer][4];  // the next tile, on its way to shared memory

  auto load_tiles = [&](int k0) {
#pragma unroll
    for (int p = 0; p < kAPer; ++p) {
      const int v = tid + p * kThreads;
      const int row = v / (BK / 4), kq = (v % (BK / 4)) * 4;
      const int gr = m0 + row, gk = k0 + kq;
      ra[p][0] = ra[p][1] = ra[p][2] = ra[p][3] = 0.0f;
      if ((kAVecs % kThreads == 0 || v < kAVecs) && gr < m) {
        const float* src = a + static_cast<size_t>(gr) * static_cast<size_t>(k) + gk;
        if (VEC_A) {
          if (gk < k) {  // k % 4 == 0 and gk % 4 == 0: all four are inside
            const float4 q = *reinterpret_cast<const float4*>(src);
            ra[p][0] = q.x, ra[p][1] = q.y, ra[p][2] = q.z, ra[p][3] = q.w;
          }
        } else {
          const int lim = k - gk;
#pragma unroll
          for (int j = 0; j < 4; ++j)
            if (j < lim) ra[p][j] = src[j];
        }
      }
    }
#pragma unroll
    for (int p = 0; p < kBPer; ++p) {
      const int v = tid + p * kThreads;
      const int kr = v / (BN / 4), nq = (v % (BN / 4)) * 4;
      const int gk = k0 + kr, gn = n0 + nq;
      rb[p][0] = rb[p][1] = rb[p][2] = rb[p][3] = 0.0f;
      if ((kBVecs % kThreads == 0 || v < kBVecs) && gk < k) {
        const float* src = w + static_cast<size_t>(gk) * static_cast<size_t>(n) + gn;
        if (VEC_B) {
          if (gn < n) {  // n % 4 == 0 and gn % 4 == 0
            const float4 q = *reinterpret_cast<const float4*>(src);
            rb[p][0] = q.x, rb[p][1] = q.y, rb[p][2] = q.z, rb[p][3] = q.w;
          }
        } else {
          const int lim = n - gn;
#pragma unroll
          for (int j = 0; j < 4; ++j)
            if (j < lim) rb[p][j] = src[j];
        }
      }
    }
  };

  auto store_tiles = [&](int buf) {
#pragma unroll
    for (int p = 0; p < kAPer; ++p) {
      const int v = tid + p * kThreads;
      if (kAVecs % kThreads == 0 || v < kAVecs) {
        const int row = v / (BK / 4), kq = (v % (BK / 4)) * 4;
#pragma unroll
        for (int j = 0; j < 4; ++j) sa[buf][kq + j][row] = ra[p][j];
      }
    }
#pragma unroll
    for (int p = 0; p < kBPer; ++p) {
      const int v = tid + p * kThreads;
      if (kBVecs % kThreads == 0 || v < kBVecs) {
        const int kr = v / (BN / 4), nq = (v % (BN / 4)) * 4;
        *reinterpret_cast<float4*>(&sb[buf][kr][nq]) = make_float4(rb[p][0], rb[p][1], rb[p][2], rb[p][3]);
      }
    }
  };

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;

  // Out-of-range elements load as zeros, so a partial tile adds 0 * 0 (or 0 * w to rows and
  // columns that are never stored): the stored outputs are the plain sums over k in order.
  const int tiles = (k + BK - 1) / BK;
  load_tiles(0);
  store_tiles(0);
  __syncthreads();
  for (int t = 0; t < tiles; ++t) {
    const int cur = t & 1;
    if (t + 1 < tiles) load_tiles((t + 1) * BK);  // global loads in flight during the products
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float fa[TM], fb[TN];
#pragma unroll
      for (int g = 0; g < TM / 4; ++g) {
        const float4 q = *reinterpret_cast<const float4*>(&sa[cur][kk][g * 4 * kThreadsM + ty * 4]);
        fa[g * 4 + 0] = q.x, fa[g * 4 + 1] = q.y, fa[g * 4 + 2] = q.z, fa[g * 4 + 3] = q.w;
      }
#pragma unroll
      for (int g = 0; g < TN / 4; ++g) {
        const float4 q = *reinterpret_cast<const float4*>(&sb[cur][kk][g * 4 * kThreadsN + tx * 4]);
        fb[g * 4 + 0] = q.x, fb[g * 4 + 1] = q.y, fb[g * 4 + 2] = q.z, fb[g * 4 + 3] = q.w;
      }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(fa[i], fb[j], acc[i][j]);
    }
    // The other buffer was last read in iteration t - 1, which every thread has finished (barrier).
    if (t + 1 < tiles) store_tiles(cur ^ 1);
    __syncthreads();
  }

  // Bias (one load per column) and activation in place, then the stores.
#pragma unroll
  for (int gj = 0; gj < TN / 4; ++gj)
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int gc = n0 + gj * 4 * kThreadsN + tx * 4 + j;
      const float bj = gc < n ? bias[gc] : 0.0f;
#pragma unroll
      for (int i = 0; i < TM; ++i) acc[i][gj * 4 + j] = activate<ACT>(acc[i][gj * 4 + j] + bj);
    }
#pragma unroll
  for (int gi = 0; gi < TM / 4; ++gi)
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int gr = m0 + gi * 4 * kThreadsM + ty * 4 + i;
      if (gr >= m) continue;
      float* crow = c + static_cast<size_t>(gr) * static_cast<size_t>(n);
      const float* v = acc[gi * 4 + i];
#pragma unroll
      for (int gj = 0; gj < TN / 4; ++gj) {
        const int gc = n0 + gj * 4 * kThreadsN + tx * 4;
        if (VEC_B) {
          if (gc < n)  // n % 4 == 0 and gc % 4 == 0: all four are inside
            *reinterpret_cast<float4*>(crow + gc) =
                make_float4(v[gj * 4], v[gj * 4 + 1], v[gj * 4 + 2], v[gj * 4 + 3]);
        } else {
#pragma unroll
          for (int j = 0; j < 4; ++j)
            if (gc + j < n) crow[gc + j] = v[gj * 4 + j];
        }
      }
    }
}

// Softmax of rows as softmax_row in dense.cc: subtract the row maximum (NaN skipped, as
// std::max(row_max, v) does), exp, sum in double, multiply by float(1 / sum). G lanes per row (G a
// power of two, at least the row's width up to 32), so that a warp's loads of narrow rows are
// contiguous. Lanes past the last row still take part in the shuffles.
template <int G>
__global__ void softmax_rows(float* __restrict__ y, int rows, int n) {
  const int lane = static_cast<int>(threadIdx.x & 31u), g = lane % G;
  const size_t warp = (static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const size_t row = warp * (32 / G) + static_cast<size_t>(lane / G);
  const bool valid = row < static_cast<size_t>(rows);
  float* r = y + (valid ? row : 0) * static_cast<size_t>(n);
  float row_max = -INFINITY;
  if (valid)
    for (int j = g; j < n; j += G) row_max = fmaxf(row_max, r[j]);
#pragma unroll
  for (int o = G / 2; o > 0; o >>= 1) row_max = fmaxf(row_max, __shfl_xor_sync(0xffffffffu, row_max, o));
  double sum = 0.0;
  if (valid)
    for (int j = g; j < n; j += G) {
      const float e = expf(r[j] - row_max);
      r[j] = e;
      sum += e;
    }
#pragma unroll
  for (int o = G / 2; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
  const float inv = static_cast<float>(1.0 / sum);
  if (valid)
    for (int j = g; j < n; j += G) r[j] *= inv;
}

template <int G>
void launch_softmax(const char* call, float* y, size_t rows, int n, cudaStream_t stream) {
  constexpr size_t kRowsPerBlock = 8 * (32 / G);  // 256 threads
  softmax_rows<G><<<static_cast<unsigned>((rows + kRowsPerBlock - 1) / kRowsPerBlock), 256, 0, stream>>>(
      y, static_cast<int>(rows), n);
  check_launch(call, "softmax_rows");
}

// The CPU loop's comparison: a larger value wins, the first on ties; a NaN never wins unless it
// comes first and nothing but NaN follows.
__device__ __forceinline__ bool argmax_takes(float candidate, float value) {
  return candidate > value || (value != value && candidate == candidate);
}

// Narrow rows: one thread per row, the CPU loop itself.
__global__ void argmax_rows_thread(const float* __restrict__ p, int rows, int cols, int32_t* __restrict__ labels,
                                   float* __restrict__ confidence) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t r = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; r < static_cast<size_t>(rows);
       r += stride) {
    const float* row = p + r * static_cast<size_t>(cols);
    int best = 0;
    float value = row[0];
    for (int j = 1; j < cols; ++j) {
      const float v = row[j];
      if (argmax_takes(v, value)) best = j, value = v;
    }
    labels[r] = best;
    confidence[r] = value;
  }
}

// Wide rows: one warp per row. Each lane runs the CPU loop over columns lane, lane + 32, ...; the
// lanes' winners are then merged by (NaN last, larger value first, smaller index first), a total
// order whose minimum is exactly what the sequential loop finds. A lane without columns offers
// (NaN, INT_MAX), which never wins because lane 0 holds column 0.
__global__ void argmax_rows_warp(const float* __restrict__ p, int rows, int cols, int32_t* __restrict__ labels,
                                 float* __restrict__ confidence) {
  const int lane = static_cast<int>(threadIdx.x & 31u);
  const size_t row = static_cast<size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  if (row >= static_cast<size_t>(rows)) return;
  const float* r = p + row * static_cast<size_t>(cols);
  int best = INT_MAX;
  float value = NAN;
  if (lane < cols) {
    best = lane;
    value = r[lane];
    for (int j = lane + 32; j < cols; j += 32) {
      const float v = r[j];
      if (argmax_takes(v, value)) best = j, value = v;
    }
  }
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    const float ov = __shfl_xor_sync(0xffffffffu, value, o);
    const int ob = __shfl_xor_sync(0xffffffffu, best, o);
    const bool nan = value != value, onan = ov != ov;
    bool other;
    if (nan != onan) other = nan;              // a number beats NaN
    else if (nan || ov == value) other = ob < best;  // both NaN, or equal: the first index
    else other = ov > value;
    if (other) best = ob, value = ov;
  }
  if (lane == 0) {
    labels[row] = best;
    confidence[row] = value;
  }
}

[[noreturn]] void invalid(const char* call, const std::string& what) {
  throw std::runtime_error(std::string("cuda ") + call + ": " + what);
}

// a * b, or an error when it does not fit in size_t.
size_t product(size_t a, size_t b, const char* call, const char* what) {
  if (a != 0 && b > std::numeric_limits<size_t>::max() / a) invalid(call, std::string(what) + " is too large");
  return a * b;
}

template <int BM, int BN, int BK, int TM, int TN, int MIN_BLOCKS, bool VEC_A, bool VEC_B>
void launch_gemm_act(dim3 grid, dim3 block, cudaStream_t stream, const float* a, const float* w, const float* b,
                     float* c, int m, int n, int k, int col_tiles, int act) {
  switch (act) {
    case 1:
      gemm_bias_act<BM, BN, BK, TM, TN, MIN_BLOCKS, VEC_A, VEC_B, 1><<<grid, block, 0, stream>>>(a, w, b, c, m, n, k, col_tiles);
      break;
    case 2:
      gemm_bias_act<BM, BN, BK, TM, TN, MIN_BLOCKS, VEC_A, VEC_B, 2><<<grid, block, 0, stream>>>(a, w, b, c, m, n, k, col_tiles);
      break;
    case 3:
      gemm_bias_act<BM, BN, BK, TM, TN, MIN_BLOCKS, VEC_A, VEC_B, 3><<<grid, block, 0, stream>>>(a, w, b, c, m, n, k, col_tiles);
      break;
    default:
      gemm_bias_act<BM, BN, BK, TM, TN, MIN_BLOCKS, VEC_A, VEC_B, 0><<<grid, block, 0, stream>>>(a, w, b, c, m, n, k, col_tiles);
  }
}

// act: 0 linear, 1 relu, 2 sigmoid, 3 tanh.
template <int BM, int BN, int BK, int TM, int TN, int MIN_BLOCKS>
void launch_gemm_tiles(const char* call, const float* a, int m, int k, const float* w, const float* b, int n,
                       int act, float* c, cudaStream_t stream) {
  constexpr int kThreads = (BM / TM) * (BN / TN);
  const size_t row_tiles = (static_cast<size_t>(m) + BM - 1) / BM, col_tiles = (static_cast<size_t>(n) + BN - 1) / BN;
  const size_t blocks = row_tiles * col_tiles;
  if (blocks > static_cast<size_t>(INT_MAX)) invalid(call, "a layer's product has too many tiles");
  const dim3 grid(static_cast<unsigned>(blocks)), block(kThreads);
  const int ct = static_cast<int>(col_tiles);
  // Vector paths only where every float4 is provably aligned and wholly inside or outside.
  const bool va = k % 4 == 0, vb = n % 4 == 0;
  if (va && vb)
    launch_gemm_act<BM, BN, BK, TM, TN, MIN_BLOCKS, true, true>(grid, block, stream, a, w, b, c, m, n, k, ct, act);
  else if (va)
    launch_gemm_act<BM, BN, BK, TM, TN, MIN_BLOCKS, true, false>(grid, block, stream, a, w, b, c, m, n, k, ct, act);
  else
    launch_gemm_act<BM, BN, BK, TM, TN, MIN_BLOCKS, false, false>(grid, block, stream, a, w, b, c, m, n, k, ct, act);
  check_launch(call, "gemm_bias_act");
}

// One layer on device memory: c (m x n) = act(a (m x k) . w + b). The tile width follows n, so
// that narrow outputs (10 classes, say) do not spend most of the work on padding; above 64 the
// 64-wide tile takes widths that 128-wide tiles would pad more (129 .. 192, say).
void layer_forward(const char* call, const float* a, size_t m, size_t k, const float* w, const float* b, size_t n,
                   Activation act, float* c, cudaStream_t stream) {
  if (m == 0 || n == 0) return;
  const int mi = static_cast<int>(m), ki = static_cast<int>(k), ni = static_cast<int>(n);
  const int fused = act == Activation::Softmax ? 0 : static_cast<int>(act);
  if (n > 64 && (n + 127) / 128 * 2 <= (n + 63) / 64)
    launch_gemm_tiles<128, 128, 8, 8, 8, 2>(call, a, mi, ki, w, b, ni, fused, c, stream);
  else if (n > 32)
    launch_gemm_tiles<128, 64, 16, 8, 8, 3>(call, a, mi, ki, w, b, ni, fused, c, stream);
  else if (n > 16)
    launch_gemm_tiles<128, 32, 8, 8, 8, 1>(call, a, mi, ki, w, b, ni, fused, c, stream);
  else
    launch_gemm_tiles<128, 16, 8, 8, 4, 8>(call, a, mi, ki, w, b, ni, fused, c, stream);
  if (act == Activation::Softmax) {
    if (n <= 1) launch_softmax<1>(call, c, m, ni, stream);
    else if (n <= 2) launch_softmax<2>(call, c, m, ni, stream);
    else if (n <= 4) launch_softmax<4>(call, c, m, ni, stream);
    else if (n <= 8) launch_softmax<8>(call, c, m, ni, stream);
    else if (n <= 16) launch_softmax<16>(call, c, m, ni, stream);
    else launch_softmax<32>(call, c, m, ni, stream);
  }
}

template <typename Src>
void stack_forward(Session& s, const Src* x, size_t rows, const LayerView* layers, size_t count, float* out) {
  const char* call = s.call();
  if (count == 0) invalid(call, "no layers");
  // Dimensions must fit an int in the kernels, with room for a tile beyond the last.
  constexpr size_t kMaxDim = static_cast<size_t>(INT_MAX / 2);
  size_t widest = std::max<size_t>(1, layers[0].n_in), widest_mid = 1;
  for (size_t l = 0; l < count; ++l) {
    const LayerView& L = layers[l];
    if (l > 0 && L.n_in != layers[l - 1].n_out)
      invalid(call, "layer " + std::to_string(l) + " takes " + std::to_string(L.n_in) + " inputs but the layer before gives " +
                        std::to_string(layers[l - 1].n_out));
    const int a = static_cast<int>(L.act);
    if (a < 0 || a > static_cast<int>(Activation::Softmax)) invalid(call, "unknown activation " + std::to_string(a));
    if (L.n_in > kMaxDim || L.n_out > kMaxDim) invalid(call, "a layer is too wide");
    product(L.n_in, L.n_out, call, "a weight matrix");
    widest = std::max(widest, L.n_out);
    if (l + 1 < count) widest_mid = std::max(widest_mid, L.n_out);
  }
  if (rows == 0) return;
  const size_t n_first = layers[0].n_in, n_last = layers[count - 1].n_out;
  product(rows, std::max(n_first, n_last), call, "the data");

  // Rows per chunk: the widest matrix of a chunk stays near kChunkBytes (at least one row).
  const size_t chunk = std::min(rows, std::max<size_t>(1, kChunkBytes / (widest * sizeof(float))));
  const size_t chunks = (rows + chunk - 1) / chunk;
  const int streams = chunks > 1 ? kStreams : 1;

  // Every device allocation comes first, so that a failing one is reported before any host
  // memory is read.
  std::vector<float*> dw(count), db(count);
  for (size_t l = 0; l < count; ++l) {
    dw[l] = s.alloc<float>(layers[l].n_in * layers[l].n_out, "the weights");
    db[l] = s.alloc<float>(layers[l].n_out, "the biases");
  }
  struct Buffers {
    float* in = nullptr;
    float* mid[2] = {nullptr, nullptr};
    float* out = nullptr;
  } buf[kStreams];
  for (int i = 0; i < streams; ++i) {
    buf[i].in = s.alloc<float>(chunk * n_first, "a chunk of the input");
    if (count > 1) buf[i].mid[0] = s.alloc<float>(chunk * widest_mid, "a chunk of a hidden layer");
    if (count > 2) buf[i].mid[1] = s.alloc<float>(chunk * widest_mid, "a chunk of a hidden layer");
    buf[i].out = s.alloc<float>(chunk * n_last, "a chunk of the output");
  }

  // Weights once; both streams read them, so they (and the allocations, made on stream 0) must be
  // complete before either starts.
  const cudaStream_t s0 = s.stream(0);
  for (size_t l = 0; l < count; ++l) {
    s.to_device<float, float>(layers[l].w, layers[l].n_in * layers[l].n_out, dw[l], s0);
    s.to_device<float, float>(layers[l].b, layers[l].n_out, db[l], s0);
  }
  s.sync(s0, "copying the weights");

  // Chunk i on stream i % 2: up, every layer, then the previous chunk (other stream) down while
  // this one computes. A stream's buffers are reused two chunks later, after its download.
  size_t prev_r0 = 0, prev_rows = 0;
  int prev_stream = -1;
  for (size_t i = 0, r0 = 0; r0 < rows; ++i, r0 += chunk) {
    const size_t nr = std::min(chunk, rows - r0);
    const int si = static_cast<int>(i % static_cast<size_t>(streams));
    const cudaStream_t st = s.stream(si);
    Buffers& bf = buf[si];
    s.to_device<Src, float>(x + r0 * n_first, nr * n_first, bf.in, st);
    const float* in = bf.in;
    for (size_t l = 0; l < count; ++l) {
      float* o = l + 1 == count ? bf.out : bf.mid[l % 2];
      layer_forward(call, in, nr, layers[l].n_in, dw[l], db[l], layers[l].n_out, layers[l].act, o, st);
      in = o;
    }
    if (prev_stream >= 0)
      s.to_host<float>(buf[prev_stream].out, prev_rows * n_last, out + prev_r0 * n_last, s.stream(prev_stream));
    prev_r0 = r0, prev_rows = nr, prev_stream = si;
  }
  s.to_host<float>(buf[prev_stream].out, prev_rows * n_last, out + prev_r0 * n_last, s.stream(prev_stream));
}

// Values in [-1, 1) from a hash of the index: measurements never run on zeros.
__global__ void fill_hashed(float* v, size_t n, uint32_t seed) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    uint32_t h = static_cast<uint32_t>(i) * 2654435761u ^ seed;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    v[i] = static_cast<float>(h) * (2.0f / 4294967296.0f) - 1.0f;
  }
}

}  // namespace

double dense_kernel_rate(size_t rows, size_t n_in, size_t n_out, Activation act) {
  Session s("denseKernelRate");
  const char* call = s.call();
  const cudaStream_t st = s.stream(0);
  float* x = s.alloc<float>(product(rows, n_in, call, "the input"), "the input");
  float* w = s.alloc<float>(product(n_in, n_out, call, "the weights"), "the weights");
  float* b = s.alloc<float>(n_out, "the biases");
  float* c = s.alloc<float>(product(rows, n_out, call, "the output"), "the output");
  fill_hashed<<<grid_for(rows * n_in, 256), 256, 0, st>>>(x, rows * n_in, 1u);
  fill_hashed<<<grid_for(n_in * n_out, 256), 256, 0, st>>>(w, n_in * n_out, 2u);
  fill_hashed<<<grid_for(n_out, 256), 256, 0, st>>>(b, n_out, 3u);
  check_launch(call, "fill_hashed");
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), call, "creating an event");
  check(cudaEventCreate(&stop), call, "creating an event");
  std::vector<float> ms;
  for (int rep = 0; rep < 12; ++rep) {
    check(cudaEventRecord(start, st), call, "recording an event");
    layer_forward(call, x, rows, n_in, w, b, n_out, act, c, st);
    check(cudaEventRecord(stop, st), call, "recording an event");
    check(cudaEventSynchronize(stop), call, "timing the layer");
    float t = 0;
    check(cudaEventElapsedTime(&t, start, stop), call, "reading the time");
    if (rep >= 2) ms.push_back(t);  // two warm-ups
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2];
  return 2.0 * static_cast<double>(rows) * static_cast<double>(n_in) * static_cast<double>(n_out) / (median * 1e6);
}

void dense_forward(const float* x, size_t rows, size_t n_in, const float* w, const float* b, size_t n_out,
                   Activation act, float* out) {
  Session s("denseForward");
  const LayerView layer{w, b, n_in, n_out, act};
  stack_forward<float>(s, x, rows, &layer, 1, out);
}

void dense_stack_forward(const float* x, size_t rows, const LayerView* layers, size_t count, float* out) {
  Session s("denseStackForward");
  stack_forward<float>(s, x, rows, layers, count, out);
}

void dense_stack_forward(const double* x, size_t rows, const LayerView* layers, size_t count, float* out) {
  Session s("denseStackForward");
  stack_forward<double>(s, x, rows, layers, count, out);
}

void argmax_rows(const float* p, size_t rows, size_t cols, int32_t* labels, float* confidence) {
  Session s("argmaxRows");
  const char* call = s.call();
  if (rows == 0) return;
  if (cols == 0) {  // no values: label 0, confidence NaN (the CPU kernel would read past the row)
    std::fill(labels, labels + rows, 0);
    std::fill(confidence, confidence + rows, std::numeric_limits<float>::quiet_NaN());
    return;
  }
  if (cols > static_cast<size_t>(INT_MAX)) invalid(call, "rows are too wide");
  product(rows, cols, call, "the data");
  const size_t chunk = std::min(rows, std::max<size_t>(1, kChunkBytes / (cols * sizeof(float))));
  float* dp = s.alloc<float>(chunk * cols, "a chunk of the rows");
  int32_t* dl = s.alloc<int32_t>(chunk, "the labels");
  float* dc = s.alloc<float>(chunk, "the confidences");
  const cudaStream_t st = s.stream(0);
  // One stream: each chunk's upload is ordered after the previous chunk's kernel.
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t nr = std::min(chunk, rows - r0);
    s.to_device<float, float>(p + r0 * cols, nr * cols, dp, st);
    if (cols <= 32) {
      argmax_rows_thread<<<grid_for(nr, 256), 256, 0, st>>>(dp, static_cast<int>(nr), static_cast<int>(cols), dl, dc);
      check_launch(call, "argmax_rows_thread");
    } else {
      constexpr unsigned kRowsPerBlock = 8;
      argmax_rows_warp<<<static_cast<unsigned>((nr + kRowsPerBlock - 1) / kRowsPerBlock), kRowsPerBlock * 32, 0, st>>>(
          dp, static_cast<int>(nr), static_cast<int>(cols), dl, dc);
      check_launch(call, "argmax_rows_warp");
    }
    s.to_host<int32_t>(dl, nr, labels + r0, st);
    s.to_host<float>(dc, nr, confidence + r0, st);
  }
}

}  // namespace cuda
}  // namespace mlwatch
