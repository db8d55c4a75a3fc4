// cuda.memoryInfo() -> { free, total } (bytes; 0 without a device) and
// cuda.measureTransfers(bytes) -> { pageable, pinned, staged, registered, deviceToHostStaged }
// (GB/s): the host-to-device rates the benchmark suite reports; cuda.denseKernelRate(rows, nIn,
// nOut, activation) -> GFLOP/s of the GEMM kernels alone on device data.
#include <napi.h>

#include "addon/args.h"
#include "addon/bindings.h"
#include "cuda/cuda_api.h"

namespace mlwatch_addon {

namespace {

Napi::Value MemoryInfo(const Napi::CallbackInfo& info) {
  size_t free_bytes = 0, total_bytes = 0;
  mlwatch::cuda::memory_info(&free_bytes, &total_bytes);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("free", static_cast<double>(free_bytes));
  o.Set("total", static_cast<double>(total_bytes));
  return o;
}

Napi::Value MeasureTransfers(const Napi::CallbackInfo& info) {
  const size_t bytes = count_arg(info, 0, "bytes");
  const mlwatch::cuda::TransferRates r = mlwatch::cuda::measure_transfers(bytes);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("pageable", r.pageable);
  o.Set("pinned", r.pinned);
  o.Set("staged", r.staged);
  o.Set("registered", r.registered);
  o.Set("deviceToHostStaged", r.device_to_host_staged);
  return o;
}

Napi::Value DenseKernelRate(const Napi::CallbackInfo& info) {
  const size_t rows = count_arg(info, 0, "rows"), n_in = count_arg(info, 1, "nIn"), n_out = count_arg(info, 2, "nOut");
  const size_t act = index_arg(info, 3, "activation");
  if (act > 4) throw Napi::RangeError::New(info.Env(), "Expected an activation code 0..4 for activation");
  return Napi::Number::New(info.Env(), mlwatch::cuda::dense_kernel_rate(rows, n_in, n_out, static_cast<mlwatch::Activation>(act)));
}

}  // namespace

void AddCudaDevice(Napi::Env env, Napi::Object cuda) {
  add(env, cuda, "memoryInfo", MemoryInfo);
  add(env, cuda, "measureTransfers", MeasureTransfers);
  add(env, cuda, "denseKernelRate", DenseKernelRate);
}

}  // namespace mlwatch_addon
