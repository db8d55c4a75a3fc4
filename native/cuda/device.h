// What every CUDA kernel file shares: error checks that throw, and the Session a facade call
// works in (the device lock, two streams, stream-ordered device allocations returned at the end
// of the call, and the pinned staging buffers that move host memory to and from the device).
#pragma once

#include <cuda_runtime.h>
#include <math_constants.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace mlwatch {
namespace cuda {

// Throws std::runtime_error: "cuda <call>: <step> failed: <CUDA error string> (error N)".
[[noreturn]] void fail(const char* call, const std::string& step, cudaError_t status);

inline void check(cudaError_t status, const char* call, const char* step) {
  if (status != cudaSuccess) fail(call, step, status);
}

// After a kernel launch: a bad configuration shows up here.
inline void check_launch(const char* call, const char* kernel) {
  const cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) fail(call, std::string("launching ") + kernel, status);
}

// "1.5 GiB"-style byte counts for messages.
std::string bytes_text(size_t bytes);

constexpr int kStreams = 2;

// One facade call on the device. Holds the device lock for its lifetime; allocations made with
// alloc() are returned to the stream-ordered pool when the session ends, after both streams have
// finished. The destructor never throws; it also clears a non-sticky error left by a failed step.
class Session {
 public:
  explicit Session(const char* call);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const char* call() const { return call_; }
  cudaStream_t stream(int i = 0) const;

  // Device memory for n values of T, freed when the session ends. Out of memory throws with the
  // bytes asked for and the device's free memory.
  template <typename T>
  T* alloc(size_t n, const char* what) {
    return static_cast<T*>(alloc_bytes(n * sizeof(T), what));
  }
  void* alloc_bytes(size_t bytes, const char* what);

  // Free device memory now (cudaMemGetInfo), for sizing work that may not fit.
  size_t free_bytes() const;

  // Host -> device: n values of Src at src become n values of Dst at dst (device), converted while
  // they are copied into the pinned buffers by the thread pool. Returns when the last piece's
  // copy has been queued on `stream`; the device copies overlap the host copies of later pieces.
  template <typename Src, typename Dst>
  void to_device(const Src* src, size_t n, Dst* dst, cudaStream_t stream);
  // Rows of a row-major host matrix: columns [first, first + width) of `rows` rows with row
  // stride `stride` (values) become a dense rows x width device matrix.
  template <typename T>
  void rows_to_device(const T* src, size_t rows, size_t stride, size_t first, size_t width, T* dst,
                      cudaStream_t stream);
  // Device -> host: n values; returns when they are in dst.
  template <typename T>
  void to_host(const T* src, size_t n, T* dst, cudaStream_t stream);

  void sync(cudaStream_t stream, const char* step);

  // Allocations made while a Scope lives are returned when it ends (after both streams finish),
  // so a loop over groups of work does not pile up device memory.
  class Scope {
   public:
    explicit Scope(Session& s) : s_(s), mark_(s.allocations_.size()) {}
    ~Scope() { s_.release_after(mark_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Session& s_;
    size_t mark_;
  };

 private:
  void release_after(size_t mark);

  std::unique_lock<std::mutex> lock_;
  const char* call_;
  std::vector<void*> allocations_;
};

__host__ __device__ inline size_t smin(size_t a, size_t b) { return a < b ? a : b; }
__host__ __device__ inline size_t smax(size_t a, size_t b) { return a > b ? a : b; }

// Upper bound on values per device launch grid dimension x work (grid-stride loops cover the rest).
inline unsigned grid_for(size_t n, unsigned block, unsigned max_blocks = 65535u * 8u) {
  const size_t blocks = (n + block - 1) / block;
  return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > max_blocks ? max_blocks : blocks));
}

struct HeldSamples;
// The device array behind held samples (device.cu owns their layout).
const double* held_values(const HeldSamples* held);

}  // namespace cuda
}  // namespace mlwatch
