// Finds the arrays of plain numbers in a JSON text (RFC 8259), and their values, so that a long
// tensor in a request body can be read without first becoming an array of boxed JS numbers.
#pragma once

#include <cstddef>
#include <vector>

namespace mlwatch {

struct JsonNumberArrays {
  // Per array found, three entries: the byte offset of its '[', one past its ']', its value count.
  std::vector<double> spans;
  // The values of every array found, in the order of the text.
  std::vector<double> values;
};

// Appends to `out` every array of `text` that lies outside strings, holds at least `min_length`
// (>= 1) elements, and whose elements are all JSON numbers separated by commas and JSON
// whitespace, each converted with correct rounding to the nearest double. An array with a number
// whose magnitude rounds to infinity or to zero from a nonzero value is left out, as is an array
// that is not closed: whatever is left out, and the text around the arrays, is the caller's to
// parse (the scan does not validate the rest of the document).
void find_json_number_arrays(const unsigned char* text, std::size_t n, std::size_t min_length, JsonNumberArrays& out);

}  // namespace mlwatch
