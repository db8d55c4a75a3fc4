// Plain C++ tests of find_json_number_arrays (no Node): known texts, and random bytes that must
// never read out of bounds (run under -fsanitize=address,undefined on CI), each span it reports
// lying inside the text and holding the count of values it says.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/json_number_arrays.h"

static int failures = 0;

static void check(bool ok, const char* what, const std::string& text) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAIL %s: %s\n", what, text.c_str());
  }
}

static mlwatch::JsonNumberArrays scan(const std::string& text, std::size_t min_length) {
  mlwatch::JsonNumberArrays out;
  // A copy in a buffer of exactly its length, so that ASan sees a read one past the end.
  std::vector<unsigned char> bytes(text.begin(), text.end());
  mlwatch::find_json_number_arrays(bytes.data(), bytes.size(), min_length, out);
  return out;
}

int main() {
  const std::string text = R"({"s": "[9, 9]", "t": "\"[8]", "data": [ 1, -2.5e3 ,0.1,)" "\n" R"(1E-7, -0 ], "n": [[1,2],[3]]})";
  mlwatch::JsonNumberArrays a = scan(text, 1);
  check(a.spans.size() == 9 && a.values.size() == 8, "three arrays, eight values", text);
  if (a.values.size() == 8) {
    check(a.values[1] == -2500 && a.values[3] == 1e-7 && a.values[4] == 0 && std::signbit(a.values[4]), "values", text);
    check(text.compare(static_cast<std::size_t>(a.spans[0]), 1, "[") == 0 && text[static_cast<std::size_t>(a.spans[1]) - 1] == ']', "span bounds", text);
  }
  check(scan(text, 3).values.size() == 5, "min_length leaves the short arrays", text);
  for (const char* bad : {"[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[-]", "[1e400]", "[1e-400]", "[1, 2", "[1 2]", "[]", "[true]"}) {
    check(scan(bad, 1).spans.empty(), "not a qualifying array", bad);
  }
  check(scan("[5e-324, 0e999999]", 1).values.size() == 2, "edges a double holds", "[5e-324, 0e999999]");

  std::mt19937 random(20261127);
  const char alphabet[] = " [],{}\":-.0123456789eE+\\\nanul";
  for (int n = 0; n < 20000; ++n) {
    std::string t(random() % 64, ' ');
    for (char& c : t) c = alphabet[random() % (sizeof alphabet - 1)];
    mlwatch::JsonNumberArrays r = scan(t, 1 + n % 3);
    std::size_t values = 0;
    for (std::size_t k = 0; k + 2 < r.spans.size(); k += 3) {
      check(r.spans[k] < r.spans[k + 1] && r.spans[k + 1] <= static_cast<double>(t.size()), "span inside the text", t);
      values += static_cast<std::size_t>(r.spans[k + 2]);
    }
    check(values == r.values.size(), "counts add up to the values", t);
  }
  if (failures == 0) std::printf("json_number_arrays: all passed\n");
  return failures == 0 ? 0 : 1;
}
