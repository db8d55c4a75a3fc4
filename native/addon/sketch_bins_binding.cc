// sketchBins(values, multiplier, minIndexable, maxBuckets) -> { minKey, counts, zeroCount, sum, min, max,
// validCount, invalidCount, firstInvalid }: the batch insertion kernel of QuantileSketch.
#include <napi.h>

#include <cmath>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/kernel_sets.h"
#include "kernels/sketch_bins.h"

namespace mlwatch_addon {

namespace {

template <class K>
Napi::Value SketchBins(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray values = float_array_arg(info, 0, "values");
  if (!info[1].IsNumber() || !info[2].IsNumber()) throw_type(env, "numbers", "multiplier and minIndexable", info[1]);
  const double multiplier = info[1].As<Napi::Number>().DoubleValue();
  const double min_indexable = info[2].As<Napi::Number>().DoubleValue();
  if (!(multiplier > 0 && std::isfinite(multiplier)) || !(min_indexable > 0 && std::isfinite(min_indexable)))
    throw Napi::RangeError::New(env, "Expected positive finite numbers for multiplier and minIndexable");
  const size_t max_buckets = count_arg(info, 3, "maxBuckets");
  if (max_buckets > (size_t{1} << 24)) throw Napi::RangeError::New(env, "Expected at most 16777216 for maxBuckets but received " + std::to_string(max_buckets));
  const size_t n = values.ElementLength();
  mlwatch::SketchBins bins = values.TypedArrayType() == napi_float32_array
                                 ? K::sketch_bins(values.As<Napi::Float32Array>().Data(), n, multiplier, min_indexable, max_buckets)
                                 : K::sketch_bins(values.As<Napi::Float64Array>().Data(), n, multiplier, min_indexable, max_buckets);
  Napi::Object out = Napi::Object::New(env);
  Napi::Float64Array counts = Napi::Float64Array::New(env, bins.counts.size());
  std::copy(bins.counts.begin(), bins.counts.end(), counts.Data());
  out.Set("minKey", static_cast<double>(bins.min_key));
  out.Set("counts", counts);
  out.Set("zeroCount", bins.zero_count);
  out.Set("sum", bins.sum);
  out.Set("min", bins.min);
  out.Set("max", bins.max);
  out.Set("validCount", bins.valid_count);
  out.Set("invalidCount", bins.invalid_count);
  out.Set("firstInvalid", static_cast<double>(bins.first_invalid));
  return out;
}

}  // namespace

void AddSketchBins(Napi::Env env, Napi::Object cpu, Napi::Object cuda) {
  add(env, cpu, "sketchBins", SketchBins<CpuKernels>);
  add(env, cuda, "sketchBins", SketchBins<CudaKernels>);
}

}  // namespace mlwatch_addon
