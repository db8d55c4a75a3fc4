// Tokenizes CSV bytes into per-column float64 values and label codes: the CSV path of the batch
// job. Semantics (shared with src/backend/js/csv-columns.ts, the readable reference):
// - fields are separated by ',', records by `line_end` (0: "\n", 1: "\r\n", 2: "\r"; the reader
//   takes it from the header line); any other CR or LF is an ordinary byte of a field;
// - a field that starts with '"' is quoted: it runs to the next lone '"' ("" is an escaped quote,
//   record separators inside are data); a '"' elsewhere in an unquoted field, or anything but a
//   separator after a closing quote, is an error; an empty line (no bytes at all) is skipped;
// - every record has `field_count` fields; field f goes to output column slots[f] (-1: skipped);
// - a label column (labels[k] nonzero) is coded: codes[k * capacity + row] is the index of the
//   field's text (a quoted field's bytes between its quotes, "" read as ") among the column's
//   distinct texts in this call, in order of first appearance, or -1 when the text is a missing
//   marker (below); firsts[k] receives, per code, the bytes [begin, end) of the field of its first
//   appearance, quotes included. A record is coded only once it is complete and valid;
// - a number column's value is NaN when the field is "", NA, N/A, NaN, nan, null, NULL or None exactly; else,
//   with JavaScript's white space trimmed (ASCII \t\n\v\f\r and space, U+00A0, U+1680,
//   U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF), it must be a decimal
//   [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)? or [+-]?Infinity, read correctly rounded (as
//   JavaScript's Number does: beyond the range of double it is ±Infinity, below it ±0);
// - without at_end, only records whose separator lies within the bytes are taken (the rest waits
//   for more bytes); with at_end, the last record may end with the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mlwatch {

enum CsvError : int {
  kCsvOk = 0,
  kCsvNotANumber = 1,     // error_field holds a field that is not a number
  kCsvFieldCount = 2,     // the record has `fields` fields instead of field_count
  kCsvQuoteNotClosed = 3, // the bytes end inside a quoted field (only with at_end)
  kCsvOpeningQuote = 4,   // a '"' inside an unquoted field (error_field)
  kCsvClosingQuote = 5,   // a byte other than a separator after a closing quote (error_field)
};

struct CsvColumnsResult {
  size_t rows = 0;        // records written to out and codes
  size_t bytes_used = 0;  // bytes consumed: the next call starts there
  size_t lines = 0;       // record separators within bytes_used (or before the error)
  int error = kCsvOk;     // on an error, the failing record is record `rows` (0-based)
  size_t error_field = 0;
  size_t fields = 0;      // fields of the failing record (kCsvFieldCount)
  size_t field_begin = 0; // the bytes of field error_field (kCsvNotANumber): [field_begin, field_end)
  size_t field_end = 0;
};

// Output column k (k < columns; labels[k] says its kind) holds its values at out[k * capacity +
// row] or its codes at codes[k * capacity + row] (null when no column is a label column); at most
// `capacity` records are read. firsts is resized to `columns` and cleared.
CsvColumnsResult csv_columns(const uint8_t* bytes, size_t length, bool at_end, int line_end, const int32_t* slots,
                             size_t field_count, const uint8_t* labels, size_t columns, double* out, int32_t* codes,
                             size_t capacity, std::vector<std::vector<size_t>>& firsts);

// One field's value by the rules above; false when it is not a number.
bool csv_number(const uint8_t* field, size_t length, double* value);

}  // namespace mlwatch
