// maskRows(values, op, operand, keep) -> kept rows, maskCodes(codes, pass, keep) -> kept rows,
// CPU only (the cuda backend delegates to them: one pass over a chunk the host holds).
// Synchronous: one chunk at a time. keep must have one entry per row.
#include <napi.h>

#include <cstdint>
#include <string>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/row_mask.h"

namespace mlwatch_addon {

namespace {

void check_keep(Napi::Env env, const TypedView& keep, size_t rows) {
  if (keep.length != rows)
    throw_range(env, "Expected keep to hold " + std::to_string(rows) + " entries (one per row) but received " +
                         std::to_string(keep.length));
}

Napi::Value MaskRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TypedView values = typed_arg(info, 0, "values", napi_float64_array, "a Float64Array");
  const size_t op = index_arg(info, 1, "op");
  if (op > 5) throw_range(env, "Expected an operator code 0-5 for op but received " + std::to_string(op));
  const double operand = number_arg(info, 2, "operand");
  const TypedView keep = typed_arg(info, 3, "keep", napi_uint8_array, "a Uint8Array");
  check_keep(env, keep, values.length);
  if (values.length == 0) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, static_cast<double>(mlwatch::mask_rows(static_cast<const double*>(values.data), values.length,
                                                                       static_cast<int>(op), operand,
                                                                       static_cast<uint8_t*>(keep.data))));
}

Napi::Value MaskCodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TypedView codes = typed_arg(info, 0, "codes", napi_int32_array, "an Int32Array");
  const TypedView pass = typed_arg(info, 1, "pass", napi_uint8_array, "a Uint8Array");
  const TypedView keep = typed_arg(info, 2, "keep", napi_uint8_array, "a Uint8Array");
  check_keep(env, keep, codes.length);
  if (codes.length == 0) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, static_cast<double>(mlwatch::mask_codes(static_cast<const int32_t*>(codes.data), codes.length,
                                                                        static_cast<const uint8_t*>(pass.data), pass.length,
                                                                        static_cast<uint8_t*>(keep.data))));
}

}  // namespace

void AddRowMask(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) {
  add(env, cpu, "maskRows", MaskRows);
  add(env, cpu, "maskCodes", MaskCodes);
}

}  // namespace mlwatch_addon
