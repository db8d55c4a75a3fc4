// arrowLabels(offsets, bytes, offset, length, validity, codes, base) -> firsts (Int32Array) and
// arrowKeys(keys, offset, length, validity, size, base, codes), CPU only (the cuda backend
// delegates to them: hashing strings is host work, and keys are one pass over host memory).
// Synchronous: one Arrow column chunk at a time. Lengths are checked before the kernel runs; each
// valid string's offsets, and each valid key, are checked by the kernel before they are used.
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/arrow_labels.h"

namespace mlwatch_addon {

namespace {

// The checks both coders make: the validity bitmap (unless null) holds `end` bits, codes hold
// `length` values, and codes from `base` up to base + `count` fit an int32 (`count` named `what`).
void check_validity_and_codes(Napi::Env env, const Napi::Value& validity_arg, const TypedView& validity, size_t end,
                              const TypedView& codes, size_t length, size_t base, size_t count, const char* what) {
  if (!validity_arg.IsNull() && validity.length < end / 8 + (end % 8 != 0))
    throw_range(env, "Expected validity to hold " + std::to_string(end) + " bits (offset + length) but received " +
                         std::to_string(validity.length) + " bytes");
  if (codes.length < length)
    throw_range(env, "Expected codes to hold " + std::to_string(length) + " values but received " + std::to_string(codes.length));
  if (base + count > 2147483647u)
    throw_range(env, std::string("Expected base + ") + what + " to be at most 2147483647 (codes are int32) but received " +
                         std::to_string(base + count));
}

Napi::Value ArrowLabels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* expected_offsets = "an Int32Array or BigInt64Array";
  if (!info[0].IsTypedArray()) throw_type(env, expected_offsets, "offsets", info[0]);
  const TypedView offsets = typed_view(env, info[0]);
  if (offsets.type != napi_int32_array && offsets.type != napi_bigint64_array) throw_type(env, expected_offsets, "offsets", info[0]);
  const TypedView bytes = typed_arg(info, 1, "bytes", napi_uint8_array, "a Uint8Array");
  const size_t offset = index_arg(info, 2, "offset");
  const size_t length = index_arg(info, 3, "length");
  const TypedView validity = optional_bytes_arg(info, 4, "validity");
  const TypedView codes = typed_arg(info, 5, "codes", napi_int32_array, "an Int32Array");
  const size_t base = index_arg(info, 6, "base");
  const size_t end = offset + length;
  if (length > 0 && offsets.length < end + 1)
    throw_range(env, "Expected offsets to hold " + std::to_string(end + 1) + " entries (offset + length + 1) but received " +
                         std::to_string(offsets.length));
  check_validity_and_codes(env, info[4], validity, end, codes, length, base, length, "length");
  std::vector<int32_t> firsts;
  if (length > 0) {
    const auto* valid = static_cast<const uint8_t*>(validity.data);
    const auto* text = static_cast<const uint8_t*>(bytes.data);
    auto* out = static_cast<int32_t*>(codes.data);
    const int32_t b = static_cast<int32_t>(base);
    const mlwatch::ArrowLabelsResult r =
        offsets.type == napi_int32_array
            ? mlwatch::arrow_labels(static_cast<const int32_t*>(offsets.data), text, bytes.length, offset, length, valid, out, b, firsts)
            : mlwatch::arrow_labels(static_cast<const int64_t*>(offsets.data), text, bytes.length, offset, length, valid, out, b, firsts);
    if (!r.ok)
      throw_range(env, "Expected the offsets of string " + std::to_string(r.bad_row) +
                           " to lie within bytes (0 <= start <= end <= " + std::to_string(bytes.length) + ") but received [" +
                           std::to_string(r.start) + ", " + std::to_string(r.end) + ")");
  }
  Napi::Int32Array result = Napi::Int32Array::New(env, firsts.size());
  if (!firsts.empty()) std::memcpy(result.Data(), firsts.data(), firsts.size() * sizeof(int32_t));
  return result;
}

template <class Key>
mlwatch::ArrowKeysResult keys_of(const TypedView& keys, size_t offset, size_t length, const uint8_t* valid, size_t size,
                                 int32_t base, int32_t* codes) {
  return mlwatch::arrow_keys(static_cast<const Key*>(keys.data), offset, length, valid, size, base, codes);
}

Napi::Value ArrowKeys(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* expected_keys = "an integer TypedArray (Arrow dictionary keys)";
  if (!info[0].IsTypedArray()) throw_type(env, expected_keys, "keys", info[0]);
  const TypedView keys = typed_view(env, info[0]);
  const size_t offset = index_arg(info, 1, "offset");
  const size_t length = index_arg(info, 2, "length");
  const TypedView validity = optional_bytes_arg(info, 3, "validity");
  const size_t size = index_arg(info, 4, "size");
  const size_t base = index_arg(info, 5, "base");
  const TypedView codes = typed_arg(info, 6, "codes", napi_int32_array, "an Int32Array");
  const size_t end = offset + length;
  if (keys.length < end)
    throw_range(env, "Expected keys to hold " + std::to_string(end) + " entries (offset + length) but received " + std::to_string(keys.length));
  check_validity_and_codes(env, info[3], validity, end, codes, length, base, size, "size");
  const auto* valid = static_cast<const uint8_t*>(validity.data);
  auto* out = static_cast<int32_t*>(codes.data);
  const int32_t b = static_cast<int32_t>(base);
  mlwatch::ArrowKeysResult r;
  switch (keys.type) {
    case napi_int8_array: r = keys_of<int8_t>(keys, offset, length, valid, size, b, out); break;
    case napi_uint8_array: r = keys_of<uint8_t>(keys, offset, length, valid, size, b, out); break;
    case napi_int16_array: r = keys_of<int16_t>(keys, offset, length, valid, size, b, out); break;
    case napi_uint16_array: r = keys_of<uint16_t>(keys, offset, length, valid, size, b, out); break;
    case napi_int32_array: r = keys_of<int32_t>(keys, offset, length, valid, size, b, out); break;
    case napi_uint32_array: r = keys_of<uint32_t>(keys, offset, length, valid, size, b, out); break;
    case napi_bigint64_array: r = keys_of<int64_t>(keys, offset, length, valid, size, b, out); break;
    case napi_biguint64_array: r = keys_of<uint64_t>(keys, offset, length, valid, size, b, out); break;
    default: throw_type(env, expected_keys, "keys", info[0]);
  }
  if (!r.ok)
    throw_range(env, "Expected the key of row " + std::to_string(r.bad_row) + " to be below the dictionary's size (" +
                         std::to_string(size) + ") and not negative but received " + r.key);
  return env.Undefined();
}

}  // namespace

void AddArrowLabels(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) {
  add(env, cpu, "arrowLabels", ArrowLabels);
  add(env, cpu, "arrowKeys", ArrowKeys);
}

}  // namespace mlwatch_addon
