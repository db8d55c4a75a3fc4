// An Arrow numeric column chunk as float64: the batch readers' conversion of Arrow and Parquet
// columns (any integer or float width, bit-packed booleans, a validity bitmap), scaled (timestamps
// to epoch milliseconds, Date32 days to milliseconds). Semantics shared with
// src/backend/js/arrow-numbers.ts, the readable reference:
// - out[i] = value(offset + i) * scale for i < length, or value(offset + i) / -scale when scale is
//   negative (microseconds and nanoseconds to milliseconds, correctly rounded); 64-bit integers
//   are rounded to the nearest double (ties to even) once, as JavaScript's Number(bigint) does,
//   then scaled;
// - a bit-packed column's value is bit offset + i (LSB first) as 0 or 1;
// - out[i] = NaN where the validity bitmap (null: every value valid) has bit offset + i clear.
// The caller has checked that values, validity and out hold offset + length elements / bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlwatch {

enum class ArrowValueType { kInt8, kUint8, kInt16, kUint16, kInt32, kUint32, kFloat32, kFloat64, kInt64, kUint64, kBits };

void arrow_numbers(const void* values, ArrowValueType type, std::size_t offset, std::size_t length,
                   const std::uint8_t* validity, double scale, double* out);

}  // namespace mlwatch
