// Argument checks for the exported functions. The TypeScript layer validates first; these
// checks are the second line, so that no input reachable from JS can crash the process.
// Messages follow one shape: "Expected X for name but received Y".
#pragma once

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

namespace mlwatch_addon {

inline std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      case napi_int32_array: return "Int32Array";
      default: return "another TypedArray";
    }
  }
  if (v.IsArray()) return "an Array";
  if (v.IsNumber()) return "number " + std::to_string(v.As<Napi::Number>().DoubleValue());
  if (v.IsString()) return "a string";
  if (v.IsBoolean()) return "a boolean";
  return "an object";
}

[[noreturn]] inline void throw_type(Napi::Env env, const std::string& expected, const std::string& name,
                                    const Napi::Value& got) {
  throw Napi::TypeError::New(env, "Expected " + expected + " for " + name + " but received " + describe(got));
}

// A Float32Array or Float64Array argument.
inline Napi::TypedArray float_array_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray()) throw_type(info.Env(), "a Float32Array or Float64Array", name, v);
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (a.TypedArrayType() != napi_float32_array && a.TypedArrayType() != napi_float64_array)
    throw_type(info.Env(), "a Float32Array or Float64Array", name, v);
  return a;
}

// A Float64Array argument.
inline Napi::Float64Array float64_array_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw_type(info.Env(), "a Float64Array", name, v);
  return v.As<Napi::Float64Array>();
}

// An integer >= min that fits in size_t and in a double's exact integer range.
inline size_t integer_arg(const Napi::CallbackInfo& info, size_t index, const char* name, double min,
                          const char* expected) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throw_type(info.Env(), expected, name, v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min) || d > 9007199254740991.0 || std::floor(d) != d) throw_type(info.Env(), expected, name, v);
  return static_cast<size_t>(d);
}

// A boolean argument.
inline bool boolean_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsBoolean()) throw_type(info.Env(), "a boolean", name, v);
  return v.As<Napi::Boolean>().Value();
}

// A positive integer count.
inline size_t count_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return integer_arg(info, index, name, 1, "a positive integer");
}

// A non-negative integer (an index, or a count that may be zero).
inline size_t index_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return integer_arg(info, index, name, 0, "a non-negative integer");
}

// A row-major float32 or float64 matrix (arguments data, rows, cols at 0, 1, 2), its length
// checked against rows * cols without overflow.
struct MatrixArgs {
  Napi::TypedArray data;
  size_t rows;
  size_t cols;
  bool is_f32;
  const void* pointer;
};

inline MatrixArgs matrix_args(const Napi::CallbackInfo& info) {
  MatrixArgs m{float_array_arg(info, 0, "data"), count_arg(info, 1, "rows"), count_arg(info, 2, "cols"), false, nullptr};
  const size_t length = m.data.ElementLength();
  if (m.rows > std::numeric_limits<size_t>::max() / m.cols || m.rows * m.cols != length) {
    throw Napi::RangeError::New(info.Env(), "Expected data.length == rows * cols (" + std::to_string(m.rows) + " * " +
                                                std::to_string(m.cols) + ") but received data.length " +
                                                std::to_string(length));
  }
  m.is_f32 = m.data.TypedArrayType() == napi_float32_array;
  m.pointer = m.is_f32 ? static_cast<const void*>(m.data.As<Napi::Float32Array>().Data())
                       : static_cast<const void*>(m.data.As<Napi::Float64Array>().Data());
  return m;
}

// Calls f with the matrix's values as const float* or const double*.
template <class F>
void with_values(const MatrixArgs& m, F f) {
  if (m.is_f32)
    f(static_cast<const float*>(m.pointer));
  else
    f(static_cast<const double*>(m.pointer));
}

}  // namespace mlwatch_addon

namespace mlwatch_addon {

// A TypedArray's element type, first element and length (a detached array: null and 0).
struct TypedView {
  napi_typedarray_type type;
  void* data;
  size_t length;
};

inline TypedView typed_view(Napi::Env env, const Napi::Value& v) {
  TypedView t{napi_int8_array, nullptr, 0};
  napi_value buffer;
  size_t byte_offset;
  NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, v, &t.type, &t.length, &t.data, &buffer, &byte_offset),
                       TypedView{});
  if (t.data == nullptr) t.length = 0;
  return t;
}

// A TypedArray argument of one element type (`expected` names it in the message).
inline TypedView typed_arg(const Napi::CallbackInfo& info, size_t index, const char* name, napi_typedarray_type type,
                           const char* expected) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) throw_type(info.Env(), expected, name, v);
  return typed_view(info.Env(), v);
}

// A Uint8Array argument, or null (then data is null and length 0).
inline TypedView optional_bytes_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info[index].IsNull()) return TypedView{napi_uint8_array, nullptr, 0};
  return typed_arg(info, index, name, napi_uint8_array, "a Uint8Array or null");
}

// A number argument (any double, NaN included).
inline double number_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throw_type(info.Env(), "a number", name, v);
  return v.As<Napi::Number>().DoubleValue();
}

[[noreturn]] inline void throw_range(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

}  // namespace mlwatch_addon
