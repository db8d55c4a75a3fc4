// csv_columns: see csv_columns.h. One pass over the bytes, one record at a time; numbers are read
// by std::from_chars (correctly rounded, as JavaScript's Number), after the same grammar check
// the JS reference makes, so both backends give the same bits and the same errors. Labels are
// coded by the shared dictionary coder (label_codes.h), one table per label column and call.
#include "kernels/csv_columns.h"

#include <charconv>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <string>

#include "kernels/label_codes.h"

namespace mlwatch {

namespace {

constexpr size_t kUndecided = static_cast<size_t>(-1);

// Bytes of x equal to c have their top bit set in the result; the lowest set bit is exact
// (bytes above a match may be flagged falsely, which a search for the first match never reads).
inline uint64_t bytes_equal(uint64_t x, uint8_t c) {
  const uint64_t y = x ^ (0x0101010101010101ULL * c);
  return (y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL;
}

// The index of the first ',', '"', CR or LF at or after q (length if none): eight bytes a step
// (fields are about ten bytes long, so a byte loop spends its time on branches), then bytewise.
inline size_t next_special(const uint8_t* bytes, size_t q, size_t length) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  for (; q + 8 <= length; q += 8) {
    uint64_t x;
    std::memcpy(&x, bytes + q, 8);
    const uint64_t m = bytes_equal(x, ',') | bytes_equal(x, '"') | bytes_equal(x, '\r') | bytes_equal(x, '\n');
    if (m != 0) return q + (static_cast<size_t>(__builtin_ctzll(m)) >> 3);
  }
#endif
  for (; q < length; ++q) {
    const uint8_t c = bytes[q];
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return q;
  }
  return length;
}

// Bytes of the JavaScript white space character at s (n bytes available), 0 if there is none.
size_t space_at(const uint8_t* s, size_t n) {
  const uint8_t c = s[0];
  if (c == ' ' || (c >= 9 && c <= 13)) return 1;
  if (n >= 2 && c == 0xC2 && s[1] == 0xA0) return 2;  // U+00A0
  if (n < 3) return 0;
  if (c == 0xE1 && s[1] == 0x9A && s[2] == 0x80) return 3;  // U+1680
  if (c == 0xE2 && s[1] == 0x80 && (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF) && s[2] >= 0x80)
    return 3;                                                // U+2000-U+200A, U+2028, U+2029, U+202F
  if (c == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;  // U+3000
  if (c == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return 3;  // U+FEFF
  return 0;
}

// Bytes of the white space character that ends s[0, n), 0 if there is none.
size_t space_before(const uint8_t* s, size_t n) {
  if (n >= 1 && space_at(s + n - 1, 1) == 1) return 1;
  if (n >= 2 && space_at(s + n - 2, 2) == 2) return 2;
  if (n >= 3 && space_at(s + n - 3, 3) == 3) return 3;
  return 0;
}

bool equals(const uint8_t* s, size_t n, const char* word) {
  return std::strlen(word) == n && std::memcmp(s, word, n) == 0;
}

bool is_missing(const uint8_t* s, size_t n) {
  return n == 0 || equals(s, n, "NA") || equals(s, n, "N/A") || equals(s, n, "NaN") || equals(s, n, "nan") ||
         equals(s, n, "null") || equals(s, n, "NULL") || equals(s, n, "None");
}

bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

// The value of a decimal that from_chars finds out of range: its leading digit's power of ten
// tells overflow (±Infinity, as Number gives) from underflow (±0).
double out_of_range(const uint8_t* digits, const uint8_t* end, bool negative) {
  long long power = -1;  // of the first non-zero digit, before the exponent
  long long int_digits = 0;
  const uint8_t* p = digits;
  for (; p < end && is_digit(*p); ++p, ++int_digits)
    if (*p != '0' && power == -1) power = int_digits;  // position for now
  bool found = power != -1;
  if (found) power = int_digits - 1 - power;
  if (p < end && *p == '.') {
    ++p;
    for (long long j = 1; p < end && is_digit(*p); ++p, ++j)
      if (!found && *p != '0') {
        power = -j;
        found = true;
      }
  }
  long long exponent = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool minus = *p == '-';
    if (*p == '+' || *p == '-') ++p;
    for (; p < end; ++p)
      if (exponent < 100000000) exponent = exponent * 10 + (*p - '0');  // saturates far beyond double's range
    if (minus) exponent = -exponent;
  }
  const double magnitude = power + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return negative ? -magnitude : magnitude;
}

// A label field of a complete record, coded once the record has proved valid.
struct LabelField {
  size_t column;
  size_t begin, end;  // the text: between the quotes of a quoted field
  bool quoted, escaped;
};

// Codes label fields against one table per column. The text of a field with "" in it is kept
// unescaped in `kept` (a deque: its strings never move) when the table needs its bytes later.
class LabelCoder {
 public:
  LabelCoder(const uint8_t* bytes, size_t length, size_t columns, std::vector<std::vector<size_t>>& firsts)
      : bytes_(bytes), length_(length), tables_(columns), firsts_(firsts) {}

  int32_t code(const LabelField& field) {
    const uint8_t* text = bytes_ + field.begin;
    size_t n = field.end - field.begin;
    const uint8_t* buffer_end = bytes_ + length_;
    if (field.escaped) {
      unescaped_.clear();
      for (size_t i = field.begin; i < field.end; ++i) {
        unescaped_.push_back(static_cast<char>(bytes_[i]));
        if (bytes_[i] == '"') ++i;  // the second quote of ""
      }
      if (unescaped_.size() > 8) kept_.push_back(unescaped_);  // a long text: the table keeps a pointer to it
      const std::string& held = unescaped_.size() > 8 ? kept_.back() : unescaped_;
      text = reinterpret_cast<const uint8_t*>(held.data());
      n = held.size();
      buffer_end = text + n;
    }
    if (n <= 4 && is_missing(text, n)) return -1;  // every missing marker has at most 4 bytes
    bool added = false;
    std::unique_ptr<CodeTable>& table = tables_[field.column];
    if (!table) table = std::make_unique<CodeTable>();  // only for label columns that hold a label
    const int32_t code = table->code(text, n, n <= 8 ? short_word(text, n, buffer_end) : 0, &added);
    if (added) {
      std::vector<size_t>& firsts = firsts_[field.column];
      firsts.push_back(field.quoted ? field.begin - 1 : field.begin);
      firsts.push_back(field.quoted ? field.end + 1 : field.end);
    } else if (field.escaped && n > 8) {
      kept_.pop_back();  // known already: the table holds the first one
    }
    return code;
  }

 private:
  const uint8_t* bytes_;
  size_t length_;
  std::vector<std::unique_ptr<CodeTable>> tables_;
  std::vector<std::vector<size_t>>& firsts_;
  std::string unescaped_;
  std::deque<std::string> kept_;
};

}  // namespace

bool csv_number(const uint8_t* field, size_t length, double* value) {
  if (length <= 4 && is_missing(field, length)) {  // every missing marker has at most 4 bytes
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  const uint8_t* b = field;
  const uint8_t* e = field + length;
  // white space is ASCII <= ' ' or starts or ends with a byte >= 0x80: only then look closer
  if (b[0] <= ' ' || b[0] >= 0x80)
    for (size_t k; b < e && (k = space_at(b, e - b)) > 0;) b += k;
  if (b < e && (e[-1] <= ' ' || e[-1] >= 0x80))
    for (size_t k; e > b && (k = space_before(b, e - b)) > 0;) e -= k;
  const uint8_t* p = b;
  const bool negative = p < e && *p == '-';
  if (p < e && (*p == '+' || *p == '-')) ++p;
  if (p < e && *p == 'I') {
    if (!equals(p, e - p, "Infinity")) return false;
    *value = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  // The grammar check, gathering the significant digits as we go.
  const uint8_t* digits = p;
  uint64_t mantissa = 0;
  int significant = 0;  // digits in mantissa, leading zeros not counted
  long long scale = 0;  // value = mantissa * 10^(scale + exponent) while significant <= 19
  size_t count = 0;
  for (; p < e && is_digit(*p); ++p, ++count) {
    if (significant < 19) {
      mantissa = mantissa * 10 + (*p - '0');
      if (mantissa != 0) ++significant;
    } else {
      ++significant;
      ++scale;
    }
  }
  if (p < e && *p == '.')
    for (++p; p < e && is_digit(*p); ++p, ++count) {
      if (significant < 19) {
        mantissa = mantissa * 10 + (*p - '0');
        if (mantissa != 0) ++significant;
        --scale;
      } else {
        ++significant;
      }
    }
  if (count == 0) return false;
  long long exponent = 0;
  if (p < e && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool minus = p < e && *p == '-';
    if (p < e && (*p == '+' || *p == '-')) ++p;
    const uint8_t* first_digit = p;
    for (; p < e && is_digit(*p); ++p)
      if (exponent < 100000000) exponent = exponent * 10 + (*p - '0');  // saturates far beyond double's range
    if (p == first_digit) return false;
    if (minus) exponent = -exponent;
  }
  if (p != e) return false;
  // Clinger's fast path: an integer below 2^53 times or over an exact power of ten is one
  // correctly rounded IEEE operation, the same bits as a full conversion.
  static const double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const long long power = scale + exponent;
  if (significant <= 15 && power >= -22 && power <= 22) {
    const double m = static_cast<double>(mantissa);
    const double v = power < 0 ? m / kPowers[-power] : m * kPowers[power];
    *value = negative ? -v : v;
    return true;
  }
  // from_chars takes a leading '-' but not '+'
  const char* first = reinterpret_cast<const char*>(negative ? digits - 1 : digits);
  const auto r = std::from_chars(first, reinterpret_cast<const char*>(e), *value);
  if (r.ec == std::errc::result_out_of_range) *value = out_of_range(digits, e, negative);
  else if (r.ec != std::errc() || r.ptr != reinterpret_cast<const char*>(e)) return false;
  return true;
}

CsvColumnsResult csv_columns(const uint8_t* bytes, size_t length, bool at_end, int line_end, const int32_t* slots,
                             size_t field_count, const uint8_t* labels, size_t columns, double* out, int32_t* codes,
                             size_t capacity, std::vector<std::vector<size_t>>& firsts) {
  CsvColumnsResult r;
  firsts.assign(columns, {});
  LabelCoder coder(bytes, length, columns, firsts);
  std::vector<LabelField> pending;  // the label fields of the record being read
  // Each field's column and what it is (0 skipped, 1 a number, 2 a label), read once, before any
  // write: slots and labels may share memory with out or codes, and a value written there must
  // never become a column index.
  std::vector<size_t> column(field_count);
  std::vector<uint8_t> role(field_count);
  for (size_t f = 0; f < field_count; ++f) {
    column[f] = slots[f] < 0 ? 0 : static_cast<size_t>(slots[f]);
    role[f] = slots[f] < 0 ? 0 : labels[slots[f]] ? 2 : 1;
  }
  const uint8_t last = line_end == 2 ? '\r' : '\n';  // the byte that ends a record separator
  // Bytes of the record separator at q: 0 when there is none, kUndecided when the bytes end in
  // the middle of what may be one.
  auto separator_at = [&](size_t q) -> size_t {
    const uint8_t c = bytes[q];
    if (line_end != 1) return c == last ? 1 : 0;
    if (c != '\r') return 0;
    if (q + 1 < length) return bytes[q + 1] == '\n' ? 2 : 0;
    return at_end ? 0 : kUndecided;
  };
  size_t p = 0;
  size_t lines = 0;
  while (r.rows < capacity && p < length) {
    const size_t row_start = p;
    const size_t row_lines = lines;
    const size_t blank = separator_at(p);
    if (blank == kUndecided) break;
    if (blank > 0) {  // an empty line
      p += blank;
      ++lines;
      continue;
    }
    size_t f = 0;
    pending.clear();
    int bad = kCsvOk;
    size_t bad_field = 0, bad_line = 0, bad_begin = 0, bad_end = 0;
    bool incomplete = false;
    for (;;) {  // one field per turn
      const size_t field_line = lines;
      size_t begin, end, next;  // the field's value bytes; where its terminator is
      bool escaped = false;
      const bool quoted = p < length && bytes[p] == '"';
      if (quoted) {
        size_t q = p + 1;
        bool closed = false;
        while (q < length) {
          const uint8_t c = bytes[q];
          if (c == '"') {
            if (q + 1 < length && bytes[q + 1] == '"') {
              escaped = true;
              q += 2;
              continue;
            }
            closed = q + 1 < length || at_end;  // else the next bytes may make it an escaped quote
            break;
          }
          if (c == last && (line_end != 1 || (q > p && bytes[q - 1] == '\r'))) ++lines;
          ++q;
        }
        if (!closed) {
          if (q >= length && at_end) {
            r.bytes_used = row_start;
            r.lines = field_line;
            r.error = kCsvQuoteNotClosed;
            r.error_field = f;
            return r;
          }
          incomplete = true;
          break;
        }
        begin = p + 1;
        end = q;
        next = q + 1;
        if (next < length && bytes[next] != ',') {
          const size_t s = separator_at(next);
          if (s == kUndecided) {
            incomplete = true;
            break;
          }
          if (s == 0) {
            r.bytes_used = row_start;
            r.lines = lines;
            r.error = kCsvClosingQuote;
            r.error_field = f;
            return r;
          }
        }
      } else {
        size_t q = p;
        bool undecided = false;
        for (; (q = next_special(bytes, q, length)) < length; ++q) {
          const uint8_t c = bytes[q];
          if (c == ',') break;
          if (c == '"') {
            r.bytes_used = row_start;
            r.lines = lines;
            r.error = kCsvOpeningQuote;
            r.error_field = f;
            return r;
          }
          if (c == last || c == '\r') {
            const size_t s = separator_at(q);
            if (s == kUndecided) undecided = true;
            if (s != 0) break;
          }
        }
        if (undecided || (q >= length && !at_end)) {
          incomplete = true;
          break;
        }
        begin = p;
        end = q;
        next = q;
      }
      const uint8_t field_role = f < field_count ? role[f] : 0;
      if (field_role == 1) {
        double* target = out + column[f] * capacity + r.rows;
        if (bad == kCsvOk && (escaped || !csv_number(bytes + begin, end - begin, target))) {
          bad = kCsvNotANumber;
          bad_field = f;
          bad_line = field_line;
          bad_begin = begin;
          bad_end = end;
        }
      } else if (field_role == 2) {
        pending.push_back({column[f], begin, end, quoted, escaped});
      }
      ++f;
      if (next >= length) {  // the bytes end the record (at_end)
        p = length;
        break;
      }
      if (bytes[next] == ',') {
        p = next + 1;
        continue;
      }
      p = next + separator_at(next);  // a record separator, as checked above
      ++lines;
      break;
    }
    if (incomplete) {
      p = row_start;
      lines = row_lines;
      break;
    }
    if (f != field_count || bad != kCsvOk) {
      r.bytes_used = row_start;
      r.lines = f != field_count ? row_lines : bad_line;
      r.error = f != field_count ? kCsvFieldCount : bad;
      r.error_field = f != field_count ? 0 : bad_field;
      r.fields = f != field_count ? f : 0;
      if (f == field_count) {
        r.field_begin = bad_begin;
        r.field_end = bad_end;
      }
      return r;
    }
    for (const LabelField& field : pending) codes[field.column * capacity + r.rows] = coder.code(field);
    ++r.rows;
  }
  r.bytes_used = p;
  r.lines = lines;
  return r;
}

}  // namespace mlwatch
