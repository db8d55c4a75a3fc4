// arrowNumbers(values, bitPacked, offset, length, validity, scale, out), CPU only (the cuda
// backend delegates to it: one pass over memory the host holds). Synchronous: one Arrow column
// chunk (a Parquet row group's batch) at a time. Every length is checked against offset + length
// before a byte is read.
#include <napi.h>

#include <cstdint>
#include <string>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/arrow_numbers.h"

namespace mlwatch_addon {

namespace {

bool value_type(napi_typedarray_type t, mlwatch::ArrowValueType* out) {
  using mlwatch::ArrowValueType;
  switch (t) {
    case napi_int8_array: *out = ArrowValueType::kInt8; return true;
    case napi_uint8_array: *out = ArrowValueType::kUint8; return true;
    case napi_int16_array: *out = ArrowValueType::kInt16; return true;
    case napi_uint16_array: *out = ArrowValueType::kUint16; return true;
    case napi_int32_array: *out = ArrowValueType::kInt32; return true;
    case napi_uint32_array: *out = ArrowValueType::kUint32; return true;
    case napi_float32_array: *out = ArrowValueType::kFloat32; return true;
    case napi_float64_array: *out = ArrowValueType::kFloat64; return true;
    case napi_bigint64_array: *out = ArrowValueType::kInt64; return true;
    case napi_biguint64_array: *out = ArrowValueType::kUint64; return true;
    default: return false;  // Uint8ClampedArray
  }
}

Napi::Value ArrowNumbers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* expected_values = "an integer or float TypedArray (not Uint8ClampedArray)";
  if (!info[0].IsTypedArray()) throw_type(env, expected_values, "values", info[0]);
  const TypedView values = typed_view(env, info[0]);
  mlwatch::ArrowValueType type;
  if (!value_type(values.type, &type)) throw_type(env, expected_values, "values", info[0]);
  const bool bit_packed = boolean_arg(info, 1, "bitPacked");
  if (bit_packed && values.type != napi_uint8_array) throw_type(env, "a Uint8Array for values (bit-packed)", "values", info[0]);
  if (bit_packed) type = mlwatch::ArrowValueType::kBits;
  const size_t offset = index_arg(info, 2, "offset");
  const size_t length = index_arg(info, 3, "length");
  const TypedView validity = optional_bytes_arg(info, 4, "validity");
  const double scale = number_arg(info, 5, "scale");
  const TypedView out = typed_arg(info, 6, "out", napi_float64_array, "a Float64Array");
  const size_t end = offset + length;  // both below 2^53: no overflow
  const size_t end_bytes = end / 8 + (end % 8 != 0);
  if (bit_packed ? values.length < end_bytes : values.length < end)
    throw_range(env, "Expected values to hold " + std::to_string(end) + (bit_packed ? " bits" : " values") +
                         " (offset + length) but received " + std::to_string(values.length) + " elements");
  if (!info[4].IsNull() && validity.length < end_bytes)
    throw_range(env, "Expected validity to hold " + std::to_string(end) + " bits (offset + length) but received " +
                         std::to_string(validity.length) + " bytes");
  if (out.length < length)
    throw_range(env, "Expected out to hold " + std::to_string(length) + " values but received " + std::to_string(out.length));
  if (length == 0) return env.Undefined();
  mlwatch::arrow_numbers(values.data, type, offset, length, static_cast<const uint8_t*>(validity.data), scale,
                         static_cast<double*>(out.data));
  return env.Undefined();
}

}  // namespace

void AddArrowNumbers(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) { add(env, cpu, "arrowNumbers", ArrowNumbers); }

}  // namespace mlwatch_addon
