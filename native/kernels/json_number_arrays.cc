#include "json_number_arrays.h"

#include <charconv>
#include <system_error>

namespace mlwatch {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

std::size_t skip_space(const unsigned char* text, std::size_t n, std::size_t i) {
  while (i < n && is_space(text[i])) ++i;
  return i;
}

// One past the end of the JSON number starting at i (RFC 8259: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?),
// or i when none starts there.
std::size_t number_end(const unsigned char* text, std::size_t n, std::size_t i) {
  const std::size_t start = i;
  if (i < n && text[i] == '-') ++i;
  if (i < n && text[i] == '0') {
    ++i;
  } else if (i < n && text[i] >= '1' && text[i] <= '9') {
    while (i < n && is_digit(text[i])) ++i;
  } else {
    return start;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !is_digit(text[i])) return start;
    while (i < n && is_digit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= n || !is_digit(text[i])) return start;
    while (i < n && is_digit(text[i])) ++i;
  }
  return i;
}

// One past the string whose opening quote is just before i (n when it is not closed). Every
// escape is one backslash and the character after it; a \u escape's hex digits hold no quote.
std::size_t string_end(const unsigned char* text, std::size_t n, std::size_t i) {
  while (i < n) {
    if (text[i] == '\\') {
      i += 2;
    } else if (text[i] == '"') {
      return i + 1;
    } else {
      ++i;
    }
  }
  return n;
}

// Reads the array whose '[' is at `open` when it qualifies, appending it to out; returns one past
// its ']', or 0 when it does not qualify (out is then as it was).
std::size_t take_array(const unsigned char* text, std::size_t n, std::size_t open, std::size_t min_length,
                       JsonNumberArrays& out) {
  const std::size_t first = out.values.size();
  std::size_t i = skip_space(text, n, open + 1);
  for (;;) {
    const std::size_t end = number_end(text, n, i);
    double value = 0;
    if (end == i ||
        std::from_chars(reinterpret_cast<const char*>(text + i), reinterpret_cast<const char*>(text + end), value).ec !=
            std::errc()) {
      break;
    }
    out.values.push_back(value);
    i = skip_space(text, n, end);
    if (i < n && text[i] == ',') {
      i = skip_space(text, n, i + 1);
      continue;
    }
    const std::size_t count = out.values.size() - first;
    if (i < n && text[i] == ']' && count >= min_length) {
      out.spans.push_back(static_cast<double>(open));
      out.spans.push_back(static_cast<double>(i + 1));
      out.spans.push_back(static_cast<double>(count));
      return i + 1;
    }
    break;
  }
  out.values.resize(first);
  return 0;
}

}  // namespace

void find_json_number_arrays(const unsigned char* text, std::size_t n, std::size_t min_length, JsonNumberArrays& out) {
  if (min_length < 1) min_length = 1;
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = text[i];
    if (c == '"') {
      i = string_end(text, n, i + 1);
    } else if (c == '[') {
      // An array that does not qualify is scanned on from its '[': arrays nested in it may.
      const std::size_t end = take_array(text, n, i, min_length, out);
      i = end != 0 ? end : i + 1;
    } else {
      ++i;
    }
  }
}

}  // namespace mlwatch
