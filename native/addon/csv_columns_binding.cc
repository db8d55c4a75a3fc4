// csvColumns(bytes, slots, labels, lineEnd, atEnd, out, codes, capacity) -> { rows, bytesUsed,
// lines, error, errorField, fields, fieldBegin, fieldEnd, firsts }, CPU only (the cuda backend
// delegates to it: parsing text is host work). Synchronous: it reads one block of a file (a few
// MiB) at a time, so no other JS code can detach or resize the buffers while it runs. Every slot
// is checked against labels' length, and each output column against out's or codes' length,
// before the kernel runs.
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "addon/args.h"
#include "addon/bindings.h"
#include "kernels/csv_columns.h"

namespace mlwatch_addon {

namespace {

Napi::Value CsvColumns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TypedView bytes = typed_arg(info, 0, "bytes", napi_uint8_array, "a Uint8Array");
  const TypedView slots = typed_arg(info, 1, "slots", napi_int32_array, "an Int32Array");
  const TypedView labels = typed_arg(info, 2, "labels", napi_uint8_array, "a Uint8Array");
  const size_t line_end = index_arg(info, 3, "lineEnd");
  if (line_end > 2) throw_type(env, "0 (LF), 1 (CRLF) or 2 (CR)", "lineEnd", info[3]);
  const bool at_end = boolean_arg(info, 4, "atEnd");
  Napi::Float64Array out = float64_array_arg(info, 5, "out");
  const TypedView codes = typed_arg(info, 6, "codes", napi_int32_array, "an Int32Array");
  const size_t capacity = count_arg(info, 7, "capacity");
  const auto* slot = static_cast<const int32_t*>(slots.data);
  const auto* is_label = static_cast<const uint8_t*>(labels.data);
  for (size_t f = 0; f < slots.length; ++f) {
    const int32_t k = slot[f];
    if (k < -1 || (k >= 0 && static_cast<size_t>(k) >= labels.length))
      throw_range(env, "Expected slots[" + std::to_string(f) + "] to be -1 or a column below labels.length (" +
                           std::to_string(labels.length) + ") but received " + std::to_string(k));
    if (k < 0) continue;
    const size_t room = is_label[k] ? codes.length : out.ElementLength();
    if (room / capacity <= static_cast<size_t>(k))
      throw_range(env, std::string("Expected ") + (is_label[k] ? "codes" : "out") + " to hold column " + std::to_string(k) +
                           " (" + std::to_string((static_cast<size_t>(k) + 1) * capacity) + " values: (column + 1) * capacity) but received " +
                           std::to_string(room));
  }
  std::vector<std::vector<size_t>> firsts;
  const mlwatch::CsvColumnsResult r = mlwatch::csv_columns(
      static_cast<const uint8_t*>(bytes.data), bytes.length, at_end, static_cast<int>(line_end), slot, slots.length,
      is_label, labels.length, out.Data(), static_cast<int32_t*>(codes.data), capacity, firsts);
  Napi::Object result = Napi::Object::New(env);
  result.Set("rows", static_cast<double>(r.rows));
  result.Set("bytesUsed", static_cast<double>(r.bytes_used));
  result.Set("lines", static_cast<double>(r.lines));
  result.Set("error", r.error);
  result.Set("errorField", static_cast<double>(r.error_field));
  result.Set("fields", static_cast<double>(r.fields));
  result.Set("fieldBegin", static_cast<double>(r.field_begin));
  result.Set("fieldEnd", static_cast<double>(r.field_end));
  Napi::Array column_firsts = Napi::Array::New(env, firsts.size());
  for (size_t k = 0; k < firsts.size(); ++k) {
    Napi::Float64Array pairs = Napi::Float64Array::New(env, firsts[k].size());
    for (size_t i = 0; i < firsts[k].size(); ++i) pairs[i] = static_cast<double>(firsts[k][i]);
    column_firsts.Set(static_cast<uint32_t>(k), pairs);
  }
  result.Set("firsts", column_firsts);
  return result;
}

}  // namespace

void AddCsvColumns(Napi::Env env, Napi::Object cpu, Napi::Object /*cuda*/) { add(env, cpu, "csvColumns", CsvColumns); }

}  // namespace mlwatch_addon
