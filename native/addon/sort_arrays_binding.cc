// sortArrays(arrays, out) -> counts, CPU only (the cuda backend delegates to it: the batch layer's
// runs and merge blocks are host memory, sorted between reads and writes of files).
// Synchronous: the batch job calls it from its worker thread, so no other JS code can detach or
// resize the buffers while it runs. Every element is fetched first (a getter may run JS), then
// every length and overlap is checked before any pointer is handed to the kernel.
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/sort_columns.h"

namespace mlwatch_addon {

namespace {

// The elements of an Array argument of Float64Arrays.
std::vector<Napi::Float64Array> float64_arrays_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Env env = info.Env();
  Napi::Value v = info[index];
  if (!v.IsArray()) throw_type(env, "an Array of Float64Array", name, v);
  Napi::Array list = v.As<Napi::Array>();
  const uint32_t n = list.Length();
  std::vector<Napi::Float64Array> out;
  out.reserve(n);
  for (uint32_t k = 0; k < n; ++k) {
    Napi::Value e = list.Get(k);
    const std::string at = std::string(name) + "[" + std::to_string(k) + "]";
    if (!e.IsTypedArray() || e.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      throw_type(env, "a Float64Array", at, e);
    out.push_back(e.As<Napi::Float64Array>());
  }
  return out;
}

struct Span {
  uintptr_t begin;
  uintptr_t end;
};

Span span_of(Napi::Float64Array a) {
  const size_t n = a.ElementLength();
  if (n == 0 || a.Data() == nullptr) return {0, 0};
  const uintptr_t b = reinterpret_cast<uintptr_t>(a.Data());
  return {b, b + n * sizeof(double)};
}

bool overlap(Span a, Span b) { return a.begin < a.end && b.begin < b.end && a.begin < b.end && b.begin < a.end; }

Napi::Value SortArrays(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Napi::Float64Array> arrays = float64_arrays_arg(info, 0, "arrays");
  std::vector<Napi::Float64Array> out = float64_arrays_arg(info, 1, "out");
  // No JS runs from here on: the lengths and pointers read below stay valid through the kernel.
  const size_t count = arrays.size();
  if (out.size() != count) {
    throw Napi::RangeError::New(env, "Expected out.length == arrays.length (" + std::to_string(count) +
                                         ") but received out.length " + std::to_string(out.size()));
  }
  std::vector<const double*> data(count);
  std::vector<double*> dest(count);
  std::vector<size_t> lengths(count);
  std::vector<Span> inputs(count), outputs(count);
  for (size_t k = 0; k < count; ++k) {
    lengths[k] = arrays[k].ElementLength();
    if (out[k].ElementLength() < lengths[k]) {
      throw Napi::RangeError::New(env, "Expected out[" + std::to_string(k) + "].length >= arrays[" + std::to_string(k) +
                                           "].length (" + std::to_string(lengths[k]) + ") but received " +
                                           std::to_string(out[k].ElementLength()));
    }
    data[k] = lengths[k] > 0 ? arrays[k].Data() : nullptr;
    dest[k] = lengths[k] > 0 ? out[k].Data() : nullptr;
    if (lengths[k] > 0 && (data[k] == nullptr || dest[k] == nullptr))
      throw Napi::TypeError::New(env, "Expected arrays[" + std::to_string(k) + "] and out[" + std::to_string(k) +
                                          "] to hold memory but received a detached buffer");
    inputs[k] = span_of(arrays[k]);
    outputs[k] = span_of(out[k]);
  }
  for (size_t k = 0; k < count; ++k) {
    for (size_t j = 0; j < count; ++j) {
      if (overlap(outputs[k], inputs[j]) || (j != k && overlap(outputs[k], outputs[j]))) {
        throw Napi::RangeError::New(env, "Expected out[" + std::to_string(k) + "] to share no memory with " +
                                             (overlap(outputs[k], inputs[j]) ? "arrays[" : "out[") +
                                             std::to_string(j) + "] but received overlapping arrays");
      }
    }
  }
  Napi::Float64Array counts = Napi::Float64Array::New(env, count);
  mlwatch::sort_arrays(data.data(), lengths.data(), count, dest.data(), counts.Data());
  return counts;
}

}  // namespace

void AddSortArrays(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) { add(env, cpu, "sortArrays", SortArrays); }

}  // namespace mlwatch_addon
