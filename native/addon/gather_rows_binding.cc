// gatherFinite(values, keep, out, at) -> { count, min, max }, countCodes(codes, keep, counts),
// CPU only (the cuda backend delegates to them: one pass over a chunk the host holds).
// Synchronous: one chunk at a time. out's room and every kept code are checked before anything
// is written.
#include <napi.h>

#include <cstdint>
#include <limits>
#include <string>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/gather_rows.h"

namespace mlwatch_addon {

namespace {

TypedView keep_arg(const Napi::CallbackInfo& info, size_t index, size_t rows) {
  const TypedView keep = optional_bytes_arg(info, index, "keep");
  if (!info[index].IsNull() && keep.length != rows)
    throw_range(info.Env(), "Expected keep to hold " + std::to_string(rows) + " entries (one per row) but received " +
                                std::to_string(keep.length));
  return keep;
}

Napi::Value GatherFinite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TypedView values = typed_arg(info, 0, "values", napi_float64_array, "a Float64Array");
  const TypedView keep = keep_arg(info, 1, values.length);
  const TypedView out = typed_arg(info, 2, "out", napi_float64_array, "a Float64Array");
  const size_t at = index_arg(info, 3, "at");
  const auto* mask = static_cast<const uint8_t*>(keep.data);
  const size_t kept = values.length == 0 ? 0 : mlwatch::kept_rows(mask, values.length);
  if (at > out.length || out.length - at < kept)
    throw_range(env, "Expected out to hold " + std::to_string(kept) + " values (the kept rows) from index " + std::to_string(at) +
                         " but received out.length " + std::to_string(out.length));
  mlwatch::GatheredValues g{0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  if (kept > 0) g = mlwatch::gather_finite(static_cast<const double*>(values.data), values.length, mask, static_cast<double*>(out.data) + at);
  Napi::Object result = Napi::Object::New(env);
  result.Set("count", static_cast<double>(g.count));
  result.Set("min", g.min);
  result.Set("max", g.max);
  return result;
}

Napi::Value CountCodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TypedView codes = typed_arg(info, 0, "codes", napi_int32_array, "an Int32Array");
  const TypedView keep = keep_arg(info, 1, codes.length);
  const TypedView counts = typed_arg(info, 2, "counts", napi_float64_array, "a Float64Array");
  if (codes.length == 0) return env.Undefined();
  const auto* c = static_cast<const int32_t*>(codes.data);
  const auto* mask = static_cast<const uint8_t*>(keep.data);
  const size_t bad = mlwatch::first_code_at_or_above(c, codes.length, mask, static_cast<int64_t>(counts.length));
  if (bad < codes.length)
    throw_range(env, "Expected codes below counts.length (" + std::to_string(counts.length) + ") but received " +
                         std::to_string(c[bad]) + " at row " + std::to_string(bad));
  mlwatch::count_codes(c, codes.length, mask, static_cast<double*>(counts.data));
  return env.Undefined();
}

}  // namespace

void AddGatherRows(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) {
  add(env, cpu, "gatherFinite", GatherFinite);
  add(env, cpu, "countCodes", CountCodes);
}

}  // namespace mlwatch_addon
