// csvNumbers(bytes, slots, lineEnd, atEnd, out, capacity) -> { rows, bytesUsed, lines, error,
// errorField, fields, fieldBegin, fieldEnd }, CPU only (the cuda backend delegates to it: parsing text is host work).
// Synchronous: it reads one block of a file (a few MiB) at a time, so no other JS code can
// detach or resize the buffers while it runs. Every slot is checked against out's length first.
#include <napi.h>

#include <cstdint>
#include <string>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/csv_numbers.h"

namespace mlwatch_addon {

namespace {

Napi::Value CsvNumbers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw_type(env, "a Uint8Array", "bytes", info[0]);
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw_type(env, "an Int32Array", "slots", info[1]);
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  Napi::Int32Array slots = info[1].As<Napi::Int32Array>();
  const size_t line_end = index_arg(info, 2, "lineEnd");
  if (line_end > 2) throw_type(env, "0 (LF), 1 (CRLF) or 2 (CR)", "lineEnd", info[2]);
  const bool at_end = boolean_arg(info, 3, "atEnd");
  Napi::Float64Array out = float64_array_arg(info, 4, "out");
  const size_t capacity = count_arg(info, 5, "capacity");
  const size_t columns_room = out.ElementLength() / capacity;
  for (size_t f = 0; f < slots.ElementLength(); ++f) {
    const int32_t slot = slots[f];
    if (slot < -1 || (slot >= 0 && static_cast<size_t>(slot) >= columns_room)) {
      throw Napi::RangeError::New(env, "Expected slots[" + std::to_string(f) +
                                           "] to be -1 or a column below out.length / capacity (" +
                                           std::to_string(columns_room) + ") but received " + std::to_string(slot));
    }
  }
  const mlwatch::CsvNumbersResult r =
      mlwatch::csv_numbers(bytes.Data(), bytes.ElementLength(), at_end, static_cast<int>(line_end), slots.Data(),
                           slots.ElementLength(), out.Data(), capacity);
  Napi::Object result = Napi::Object::New(env);
  result.Set("rows", static_cast<double>(r.rows));
  result.Set("bytesUsed", static_cast<double>(r.bytes_used));
  result.Set("lines", static_cast<double>(r.lines));
  result.Set("error", r.error);
  result.Set("errorField", static_cast<double>(r.error_field));
  result.Set("fields", static_cast<double>(r.fields));
  result.Set("fieldBegin", static_cast<double>(r.field_begin));
  result.Set("fieldEnd", static_cast<double>(r.field_end));
  return result;
}

}  // namespace

void AddCsvNumbers(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) { add(env, cpu, "csvNumbers", CsvNumbers); }

}  // namespace mlwatch_addon
