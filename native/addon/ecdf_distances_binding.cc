// ecdfDistances(a, aStart, aCount, b, bStart, bCount) -> { ks, wasserstein } (+ Async), CPU and
// CUDA. Every window is checked to lie inside its sample; the async form holds references to the
// inputs until done. ecdfWalk(a, aFinal, b, bFinal, state), the walk carried across blocks, is
// CPU only: the batch layer feeds it blocks read from disk, which the walk consumes faster than
// they could be copied to a device.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/kernel_sets.h"
#include "addon/promise_worker.h"
#include "addon/sample_args.h"
#include "kernels/ecdf_distances.h"

namespace mlwatch_addon {

namespace {

template <class K>
void run_distances(const PairArgs& p, const double* a, const double* b, double* ks, double* wasserstein) {
  if constexpr (K::kCuda) {
    mlwatch::cuda::ecdf_distances(a, p.a.ElementLength(), b, p.b.ElementLength(),
                                  {p.a_start.data(), p.a_count.data(), p.b_start.data(), p.b_count.data(), p.count()}, ks,
                                  wasserstein);
  } else {
    std::vector<mlwatch::SamplePair> pairs(p.count());
    for (size_t k = 0; k < p.count(); ++k)
      pairs[k] = {a + static_cast<size_t>(p.a_start[k]), static_cast<size_t>(p.a_count[k]),
                  b + static_cast<size_t>(p.b_start[k]), static_cast<size_t>(p.b_count[k])};
    mlwatch::ecdf_distances(pairs.data(), pairs.size(), ks, wasserstein);
  }
}

template <class K>
class EcdfDistancesWorker : public PromiseWorker {
 public:
  EcdfDistancesWorker(Napi::Env env, PairArgs p)
      : PromiseWorker(env), args_(std::move(p)), a_(args_.a.Data()), b_(args_.b.Data()),
        ks_(args_.count()), wasserstein_(args_.count()) {
    a_ref_ = Napi::Persistent(args_.a.As<Napi::Object>());
    b_ref_ = Napi::Persistent(args_.b.As<Napi::Object>());
  }

 protected:
  void Run() override { run_distances<K>(args_, a_, b_, ks_.data(), wasserstein_.data()); }
  Napi::Value Result(Napi::Env env) override { return pair_object(env, "ks", ks_, "wasserstein", wasserstein_); }

 private:
  Napi::ObjectReference a_ref_, b_ref_;  // the samples stay alive while the worker reads them
  PairArgs args_;
  const double* a_;
  const double* b_;
  std::vector<double> ks_, wasserstein_;
};

template <class K>
Napi::Value EcdfDistances(const Napi::CallbackInfo& info) {
  PairArgs p = pair_args(info);
  std::vector<double> ks(p.count()), wasserstein(p.count());
  run_distances<K>(p, p.a.Data(), p.b.Data(), ks.data(), wasserstein.data());
  return pair_object(info.Env(), "ks", ks, "wasserstein", wasserstein);
}

template <class K>
Napi::Value EcdfDistancesAsync(const Napi::CallbackInfo& info) {
  return queue(new EcdfDistancesWorker<K>(info.Env(), pair_args(info)));
}

// Consumes what it can of the blocks a and b into the caller's state (mlwatch::EcdfWalkState's
// 9 values). The state's counts only scale the ECDFs: whatever they hold, the walk reads a and b
// within their lengths.
Napi::Value EcdfWalk(const Napi::CallbackInfo& info) {
  Napi::Float64Array a = float64_array_arg(info, 0, "a");
  const bool a_final = boolean_arg(info, 1, "aFinal");
  Napi::Float64Array b = float64_array_arg(info, 2, "b");
  const bool b_final = boolean_arg(info, 3, "bFinal");
  Napi::Float64Array state = float64_array_arg(info, 4, "state");
  if (state.ElementLength() != mlwatch::kEcdfWalkStateSize) {
    throw Napi::RangeError::New(info.Env(), "Expected state.length == " + std::to_string(mlwatch::kEcdfWalkStateSize) +
                                                " but received state.length " + std::to_string(state.ElementLength()));
  }
  mlwatch::EcdfWalkState s;
  std::memcpy(&s, state.Data(), sizeof s);
  mlwatch::ecdf_walk(a.Data(), a.ElementLength(), a_final, b.Data(), b.ElementLength(), b_final, s);
  std::memcpy(state.Data(), &s, sizeof s);
  return info.Env().Undefined();
}

}  // namespace

void AddEcdfDistances(Napi::Env env, Napi::Object cpu, Napi::Object cuda) {
  add(env, cpu, "ecdfDistances", EcdfDistances<CpuKernels>);
  add(env, cpu, "ecdfDistancesAsync", EcdfDistancesAsync<CpuKernels>);
  add(env, cpu, "ecdfWalk", EcdfWalk);
  add(env, cuda, "ecdfDistances", EcdfDistances<CudaKernels>);
  add(env, cuda, "ecdfDistancesAsync", EcdfDistancesAsync<CudaKernels>);
}

}  // namespace mlwatch_addon
