// The device context shared by every facade call: created on first use, then kept. It holds two
// non-blocking streams, pinned staging buffers, and the stream-ordered memory pool's settings.
//
// Why staging: copies from ordinary (pageable) host memory run at a fraction of the bus rate
// (measured on an H200 host: 9.9 GB/s pageable, 55 GB/s pinned), and pinning the caller's memory
// with cudaHostRegister costs ~160 ms per GiB. So JS memory is copied, by the thread pool and in
// pieces, into a few pinned buffers; each piece's device copy is queued at once and runs while
// the threads fill the next buffer.
#include "cuda/device.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "cuda/cuda_api.h"
#include "kernels/thread_pool.h"

namespace mlwatch {
namespace cuda {

namespace {

constexpr size_t kStageBuffers = 4;
constexpr size_t kStageBytes = size_t{16} << 20;
// Device memory the pool keeps cached between calls instead of returning it to the driver.
constexpr uint64_t kPoolKeepBytes = uint64_t{2} << 30;

struct Context {
  std::mutex mutex;
  bool ready = false;
  cudaStream_t streams[kStreams] = {};
  void* stage[kStageBuffers] = {};
  cudaEvent_t stage_done[kStageBuffers] = {};
  size_t next_stage = 0;
  // Held samples released from other threads (garbage collection) wait here for the next call.
  std::mutex released_mutex;
  std::vector<void*> released;
};

Context& context() {
  static Context* c = new Context();  // never destroyed: the driver may be gone at exit
  return *c;
}

void initialise(Context& c, const char* call) {
  const CudaProbe& probe = cuda_probe();
  if (probe.device_count == 0)
    throw std::runtime_error(std::string("cuda ") + call + ": no CUDA device: " + probe.error);
  check(cudaSetDevice(0), call, "selecting device 0");
  for (int i = 0; i < kStreams; ++i)
    if (!c.streams[i]) check(cudaStreamCreateWithFlags(&c.streams[i], cudaStreamNonBlocking), call, "creating a stream");
  for (size_t i = 0; i < kStageBuffers; ++i) {
    if (!c.stage[i]) {
      const cudaError_t status = cudaHostAlloc(&c.stage[i], kStageBytes, cudaHostAllocDefault);
      if (status != cudaSuccess) {
        c.stage[i] = nullptr;
        fail(call, "allocating " + bytes_text(kStageBytes) + " of pinned host memory for staging", status);
      }
    }
    if (!c.stage_done[i]) check(cudaEventCreateWithFlags(&c.stage_done[i], cudaEventDisableTiming), call, "creating an event");
  }
  cudaMemPool_t pool;
  if (cudaDeviceGetDefaultMemPool(&pool, 0) == cudaSuccess) {
    uint64_t keep = kPoolKeepBytes;
    cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
  }
  cudaGetLastError();
  c.ready = true;
}

// Copies n values src -> dst (converting Src to Dst) on the thread pool, ~1 MiB per task.
template <typename Src, typename Dst>
void parallel_convert(const Src* src, Dst* dst, size_t n) {
  const size_t bytes = n * sizeof(Dst);
  const size_t tasks = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(thread_count()) * 2, bytes >> 20));
  const size_t per = (n + tasks - 1) / tasks;
  parallel_for(tasks, [&](size_t t) {
    const size_t a = std::min(n, t * per), b = std::min(n, a + per);
    if constexpr (std::is_same<Src, Dst>::value) {
      if (b > a) std::memcpy(dst + a, src + a, (b - a) * sizeof(Dst));
    } else {
      for (size_t i = a; i < b; ++i) dst[i] = static_cast<Dst>(src[i]);
    }
  });
}

}  // namespace

std::string bytes_text(size_t bytes) {
  char text[64];
  const double b = static_cast<double>(bytes);
  if (b >= 1073741824.0) std::snprintf(text, sizeof text, "%.1f GiB", b / 1073741824.0);
  else if (b >= 1048576.0) std::snprintf(text, sizeof text, "%.1f MiB", b / 1048576.0);
  else if (b >= 1024.0) std::snprintf(text, sizeof text, "%.1f KiB", b / 1024.0);
  else std::snprintf(text, sizeof text, "%zu bytes", bytes);
  return text;
}

void fail(const char* call, const std::string& step, cudaError_t status) {
  const std::string message = std::string("cuda ") + call + ": " + step + " failed: " + cudaGetErrorString(status) +
                              " (error " + std::to_string(static_cast<int>(status)) + ")";
  cudaGetLastError();  // a non-sticky error must not fail the next call
  throw std::runtime_error(message);
}

Session::Session(const char* call) : lock_(context().mutex), call_(call) {
  Context& c = context();
  if (!c.ready) initialise(c, call);
  std::vector<void*> released;
  {
    std::lock_guard<std::mutex> guard(c.released_mutex);
    released.swap(c.released);
  }
  for (void* p : released) cudaFree(p);
}

Session::~Session() {
  Context& c = context();
  for (int i = 0; i < kStreams; ++i) cudaStreamSynchronize(c.streams[i]);
  for (void* p : allocations_) cudaFreeAsync(p, c.streams[0]);
  cudaStreamSynchronize(c.streams[0]);
  cudaGetLastError();
}

void Session::release_after(size_t mark) {
  if (allocations_.size() <= mark) return;
  Context& c = context();
  for (int i = 0; i < kStreams; ++i) cudaStreamSynchronize(c.streams[i]);
  for (size_t i = mark; i < allocations_.size(); ++i) cudaFreeAsync(allocations_[i], c.streams[0]);
  allocations_.resize(mark);
}

cudaStream_t Session::stream(int i) const { return context().streams[i % kStreams]; }

void* Session::alloc_bytes(size_t bytes, const char* what) {
  void* p = nullptr;
  const cudaError_t status = cudaMallocAsync(&p, std::max<size_t>(bytes, 256), stream(0));
  if (status != cudaSuccess) {
    cudaGetLastError();
    size_t free_now = 0, total = 0;
    cudaMemGetInfo(&free_now, &total);
    fail(call_, "allocating " + bytes_text(bytes) + " on the device for " + what + " (free " + bytes_text(free_now) +
                    " of " + bytes_text(total) + ")",
         status);
  }
  allocations_.push_back(p);
  // Allocated in stream 0's order: wait for it, so that work on any stream may use it at once.
  check(cudaStreamSynchronize(stream(0)), call_, "allocating device memory");
  return p;
}

size_t Session::free_bytes() const {
  size_t free_now = 0, total = 0;
  if (cudaMemGetInfo(&free_now, &total) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return free_now;
}

void Session::sync(cudaStream_t stream, const char* step) { check(cudaStreamSynchronize(stream), call_, step); }

template <typename Src, typename Dst>
void Session::to_device(const Src* src, size_t n, Dst* dst, cudaStream_t stream) {
  Context& c = context();
  const size_t per = kStageBytes / sizeof(Dst);
  for (size_t off = 0; off < n; off += per) {
    const size_t len = std::min(per, n - off);
    const size_t b = c.next_stage++ % kStageBuffers;
    check(cudaEventSynchronize(c.stage_done[b]), call_, "waiting for a staging buffer");
    Dst* pinned = static_cast<Dst*>(c.stage[b]);
    parallel_convert(src + off, pinned, len);
    check(cudaMemcpyAsync(dst + off, pinned, len * sizeof(Dst), cudaMemcpyHostToDevice, stream), call_,
          "copying to the device");
    check(cudaEventRecord(c.stage_done[b], stream), call_, "recording a staging event");
  }
}

template <typename T>
void Session::rows_to_device(const T* src, size_t rows, size_t stride, size_t first, size_t width, T* dst,
                             cudaStream_t stream) {
  if (width == stride) {
    to_device(src, rows * width, dst, stream);
    return;
  }
  Context& c = context();
  const size_t row_bytes = width * sizeof(T);
  if (row_bytes > kStageBytes) {  // extremely wide rows: one row segment at a time
    for (size_t r = 0; r < rows; ++r) to_device(src + r * stride + first, width, dst + r * width, stream);
    return;
  }
  const size_t per = kStageBytes / row_bytes;
  for (size_t r0 = 0; r0 < rows; r0 += per) {
    const size_t nr = std::min(per, rows - r0);
    const size_t b = c.next_stage++ % kStageBuffers;
    check(cudaEventSynchronize(c.stage_done[b]), call_, "waiting for a staging buffer");
    T* pinned = static_cast<T*>(c.stage[b]);
    const size_t tasks = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(thread_count()) * 2, (nr * row_bytes) >> 20));
    const size_t per_task = (nr + tasks - 1) / tasks;
    parallel_for(tasks, [&](size_t t) {
      const size_t a = std::min(nr, t * per_task), e = std::min(nr, a + per_task);
      for (size_t r = a; r < e; ++r) std::memcpy(pinned + r * width, src + (r0 + r) * stride + first, row_bytes);
    });
    check(cudaMemcpyAsync(dst + r0 * width, pinned, nr * row_bytes, cudaMemcpyHostToDevice, stream), call_,
          "copying to the device");
    check(cudaEventRecord(c.stage_done[b], stream), call_, "recording a staging event");
  }
}

template <typename T>
void Session::to_host(const T* src, size_t n, T* dst, cudaStream_t stream) {
  if (n == 0) return;
  Context& c = context();
  const size_t per = kStageBytes / sizeof(T);
  const size_t pieces = (n + per - 1) / per;
  const size_t base = c.next_stage;
  c.next_stage += pieces;
  auto issue = [&](size_t i) {
    const size_t b = (base + i) % kStageBuffers;
    const size_t off = i * per, len = std::min(per, n - off);
    // The buffer's previous device copy (on either stream) must be done before this one writes it.
    check(cudaStreamWaitEvent(stream, c.stage_done[b], 0), call_, "ordering a staging buffer");
    check(cudaMemcpyAsync(c.stage[b], src + off, len * sizeof(T), cudaMemcpyDeviceToHost, stream), call_,
          "copying to the host");
    check(cudaEventRecord(c.stage_done[b], stream), call_, "recording a staging event");
  };
  for (size_t i = 0; i < std::min(pieces, kStageBuffers); ++i) issue(i);
  for (size_t i = 0; i < pieces; ++i) {
    const size_t b = (base + i) % kStageBuffers;
    const size_t off = i * per, len = std::min(per, n - off);
    check(cudaEventSynchronize(c.stage_done[b]), call_, "waiting for a copy to the host");
    parallel_convert(static_cast<const T*>(c.stage[b]), dst + off, len);
    if (i + kStageBuffers < pieces) issue(i + kStageBuffers);
  }
}

template void Session::to_device<float, float>(const float*, size_t, float*, cudaStream_t);
template void Session::to_device<double, double>(const double*, size_t, double*, cudaStream_t);
template void Session::to_device<double, float>(const double*, size_t, float*, cudaStream_t);
template void Session::rows_to_device<float>(const float*, size_t, size_t, size_t, size_t, float*, cudaStream_t);
template void Session::rows_to_device<double>(const double*, size_t, size_t, size_t, size_t, double*, cudaStream_t);
template void Session::to_host<float>(const float*, size_t, float*, cudaStream_t);
template void Session::to_host<double>(const double*, size_t, double*, cudaStream_t);
template void Session::to_host<int32_t>(const int32_t*, size_t, int32_t*, cudaStream_t);
template void Session::to_host<unsigned long long>(const unsigned long long*, size_t, unsigned long long*, cudaStream_t);

// ---- held samples ---------------------------------------------------------------------------

struct HeldSamples {
  double* values;
  size_t n;
};

HeldSamples* hold_samples(const double* values, size_t n) {
  Session s("holdSamples");
  double* device = nullptr;
  const size_t bytes = std::max<size_t>(n, 1) * sizeof(double);
  const cudaError_t status = cudaMalloc(&device, bytes);  // long-lived: outside the call's pool
  if (status != cudaSuccess) {
    cudaGetLastError();
    fail("holdSamples", "allocating " + bytes_text(bytes) + " on the device for the held samples (free " +
                            bytes_text(s.free_bytes()) + ")",
         status);
  }
  try {
    s.to_device(values, n, device, s.stream(0));
    s.sync(s.stream(0), "copying the held samples");
  } catch (...) {
    cudaFree(device);
    throw;
  }
  return new HeldSamples{device, n};
}

void release_samples(HeldSamples* held) {
  if (!held) return;
  Context& c = context();
  {
    std::lock_guard<std::mutex> guard(c.released_mutex);
    c.released.push_back(held->values);
  }
  delete held;
}

size_t held_length(const HeldSamples* held) { return held->n; }

const double* held_values(const HeldSamples* held) { return held->values; }

// ---- diagnostics ----------------------------------------------------------------------------

void memory_info(size_t* free_bytes, size_t* total_bytes) {
  *free_bytes = *total_bytes = 0;
  if (cuda_probe().device_count == 0) return;
  if (cudaMemGetInfo(free_bytes, total_bytes) != cudaSuccess) {
    cudaGetLastError();
    *free_bytes = *total_bytes = 0;
  }
}

TransferRates measure_transfers(size_t bytes) {
  Session s("measureTransfers");
  const size_t n = std::max<size_t>(bytes / sizeof(float), 1);
  bytes = n * sizeof(float);
  std::vector<float> host(n);
  for (size_t i = 0; i < n; ++i) host[i] = static_cast<float>(i & 1023);  // touched, like JS memory
  float* device = s.alloc<float>(n, "the transfer buffer");
  float* pinned = nullptr;
  check(cudaHostAlloc(reinterpret_cast<void**>(&pinned), bytes, cudaHostAllocDefault), "measureTransfers",
        "allocating pinned host memory");
  std::memcpy(pinned, host.data(), bytes);
  cudaStream_t st = s.stream(0);
  auto best_rate = [&](auto&& copy) {
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      copy();
      check(cudaStreamSynchronize(st), "measureTransfers", "a timed copy");
      const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best = std::max(best, static_cast<double>(bytes) / sec / 1e9);
    }
    return best;
  };
  TransferRates r{};
  try {
    r.pageable = best_rate([&] { check(cudaMemcpyAsync(device, host.data(), bytes, cudaMemcpyHostToDevice, st), "measureTransfers", "pageable copy"); });
    r.pinned = best_rate([&] { check(cudaMemcpyAsync(device, pinned, bytes, cudaMemcpyHostToDevice, st), "measureTransfers", "pinned copy"); });
    r.staged = best_rate([&] { s.to_device(host.data(), n, device, st); });
    r.registered = best_rate([&] {
      check(cudaHostRegister(host.data(), bytes, cudaHostRegisterDefault), "measureTransfers", "cudaHostRegister");
      check(cudaMemcpyAsync(device, host.data(), bytes, cudaMemcpyHostToDevice, st), "measureTransfers", "registered copy");
      check(cudaStreamSynchronize(st), "measureTransfers", "registered copy");
      check(cudaHostUnregister(host.data()), "measureTransfers", "cudaHostUnregister");
    });
    r.device_to_host_staged = best_rate([&] { s.to_host(device, n, host.data(), st); });
  } catch (...) {
    cudaFreeHost(pinned);
    throw;
  }
  cudaFreeHost(pinned);
  return r;
}

}  // namespace cuda
}  // namespace mlwatch
