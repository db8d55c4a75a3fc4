// Plain C++ tests of native/kernels/csv_columns (no Node): values against the compiler's own
// correctly rounded literals, the errors, every cut of a small file into two calls, and random
// bytes (run under -fsanitize=address,undefined on CI: no read or write outside the buffers).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/csv_columns.h"

static int failures = 0;

static void check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAIL %s\n", what.c_str());
  }
}

static bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

static void test_values() {
  const double inf = std::numeric_limits<double>::infinity();
  const struct {
    const char* text;
    double want;
  } cases[] = {
      {"1", 1.0},          {"-0", -0.0},        {"+2.5", 2.5},         {".5", 0.5},
      {"5.", 5.0},         {"1e3", 1e3},        {"-1.25E-2", -1.25e-2}, {" 7 ", 7.0},
      {"\t8\r", 8.0},      {"\xC2\xA0" "9\xE3\x80\x80", 9.0},           {"Infinity", inf},
      {"-Infinity", -inf}, {"1e400", inf},      {"-1e400", -inf},      {"1e-400", 0.0},
      {"-1e-400", -0.0},   {"4.9e-324", 4.9e-324}, {"0.1", 0.1},       {"123456789012345678901234567890", 1.2345678901234568e+29},
      {"9007199254740993", 9007199254740992.0}, {"0.30000000000000004", 0.30000000000000004},
      {"2.2250738585072011e-308", 2.2250738585072011e-308}, {"1.7976931348623157e308", 1.7976931348623157e308},
  };
  for (const auto& c : cases) {
    double v = -123;
    const bool ok = mlwatch::csv_number(reinterpret_cast<const uint8_t*>(c.text), std::strlen(c.text), &v);
    check(ok && same_bits(v, c.want), std::string("value of \"") + c.text + "\"");
  }
  for (const char* missing : {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"}) {
    double v = 0;
    check(mlwatch::csv_number(reinterpret_cast<const uint8_t*>(missing), std::strlen(missing), &v) && std::isnan(v),
          std::string("missing \"") + missing + "\"");
  }
  for (const char* bad : {" ", "0x1F", "1e", "e5", ".", "+", "1.2.3", "inf", "NAN", " NaN", "1,5", "--1", "1 2", "Infinityx"}) {
    double v = 0;
    check(!mlwatch::csv_number(reinterpret_cast<const uint8_t*>(bad), std::strlen(bad), &v), std::string("rejects \"") + bad + "\"");
  }
}

struct Parsed {
  mlwatch::CsvColumnsResult r;
  std::vector<double> out;
  std::vector<int32_t> codes;
  std::vector<std::vector<size_t>> firsts;
};

// Field f into column f; the columns whose `label_mask` bit is set are label columns.
static Parsed parse(const std::string& text, bool at_end, int line_end, size_t fields, size_t capacity, unsigned label_mask = 0) {
  std::vector<int32_t> slots(fields);
  std::vector<uint8_t> labels(fields);
  for (size_t f = 0; f < fields; ++f) {
    slots[f] = static_cast<int32_t>(f);
    labels[f] = (label_mask >> f) & 1;
  }
  Parsed p{{}, std::vector<double>(fields * capacity, -7.0), std::vector<int32_t>(fields * capacity, -7), {}};
  // a copy of exactly the bytes, so that ASan sees any read past them
  std::vector<uint8_t> bytes(text.begin(), text.end());
  p.r = mlwatch::csv_columns(bytes.data(), bytes.size(), at_end, line_end, slots.data(), fields, labels.data(), fields,
                             p.out.data(), p.codes.data(), capacity, p.firsts);
  return p;
}

static std::string first_text(const std::string& text, const Parsed& p, size_t column, size_t code) {
  return text.substr(p.firsts[column][2 * code], p.firsts[column][2 * code + 1] - p.firsts[column][2 * code]);
}

// Labels: coded per column in order of first appearance, by their text (a quoted "a" is a), a
// missing marker -1 (quoted too), long and escaped texts, and no code from a record that fails.
static void test_labels() {
  const std::string text =
      "a,1,x\n\"a\",2,\"NA\"\n\"b\"\"c\",3,a long label text\n\"a long label text\",4,x\n"
      "\"b\"\"c\",5,\"q\"\"uite a long \"\"escaped\"\" text\"\nb,6,\"q\"\"uite a long \"\"escaped\"\" text\"\n";
  const Parsed p = parse(text, true, 0, 3, 8, 0b101);
  check(p.r.error == mlwatch::kCsvOk && p.r.rows == 6, "label records read");
  const int32_t c0[] = {0, 0, 1, 2, 1, 3};
  const int32_t c2[] = {0, -1, 1, 0, 2, 2};
  for (size_t row = 0; row < 6; ++row) {
    check(p.codes[row] == c0[row], "column 0 code of row " + std::to_string(row));
    check(p.codes[2 * 8 + row] == c2[row], "column 2 code of row " + std::to_string(row));
    check(p.out[8 + row] == static_cast<double>(row + 1), "number column beside labels, row " + std::to_string(row));
  }
  check(p.firsts.size() == 3 && p.firsts[0].size() == 8 && p.firsts[1].empty() && p.firsts[2].size() == 6, "firsts per column");
  check(first_text(text, p, 0, 0) == "a" && first_text(text, p, 0, 1) == "\"b\"\"c\"" && first_text(text, p, 0, 3) == "b",
        "first appearances, quotes included");
  check(first_text(text, p, 2, 2) == "\"q\"\"uite a long \"\"escaped\"\" text\"", "first appearance of an escaped long text");
  // a record that fails after its label field: nothing of it is coded
  const Parsed bad = parse("a,1\nb,x\n", true, 0, 2, 4, 0b01);
  check(bad.r.error == mlwatch::kCsvNotANumber && bad.r.rows == 1 && bad.firsts[0].size() == 2, "no code from a failing record");
  // a record waiting for more bytes: not coded either
  const Parsed waiting = parse("a,1\nb,2", false, 0, 2, 4, 0b01);
  check(waiting.r.rows == 1 && waiting.firsts[0].size() == 2, "no code from a record still incomplete");
}

static void test_records() {
  Parsed p = parse("1,2\r\n\r\n\"3\",\r\n", true, 1, 2, 4);
  check(p.r.rows == 2 && p.r.error == mlwatch::kCsvOk && p.r.lines == 3 && p.r.bytes_used == 13, "CRLF records, blank line");
  check(p.out[0] == 1 && p.out[1] == 3 && p.out[4] == 2 && std::isnan(p.out[5]), "CRLF values");
  p = parse("1,2\r\n3,4\r", false, 1, 2, 4);  // the CR may start a CRLF
  check(p.r.rows == 1 && p.r.bytes_used == 5, "a CR at the end waits");
  p = parse("1,2\n3,x\n", true, 0, 2, 4);
  check(p.r.error == mlwatch::kCsvNotANumber && p.r.rows == 1 && p.r.error_field == 1 && p.r.field_begin == 6 && p.r.field_end == 7, "not a number");
  p = parse("1,2\n3\n", true, 0, 2, 4);
  check(p.r.error == mlwatch::kCsvFieldCount && p.r.fields == 1 && p.r.rows == 1, "ragged record");
  p = parse("1,\"2\n", true, 0, 2, 4);
  check(p.r.error == mlwatch::kCsvQuoteNotClosed, "unterminated quote");
  p = parse("1,\"2\n", false, 0, 2, 4);
  check(p.r.error == mlwatch::kCsvOk && p.r.rows == 0 && p.r.bytes_used == 0, "an open quote waits for more bytes");
  p = parse("1, \"2\"\n", true, 0, 2, 4);
  check(p.r.error == mlwatch::kCsvOpeningQuote && p.r.error_field == 1, "quote inside an unquoted field");
  p = parse("\"1\"x,2\n", true, 0, 2, 4);
  check(p.r.error == mlwatch::kCsvClosingQuote && p.r.error_field == 0, "byte after a closing quote");
  p = parse("1,2\n3,4\n5,6\n", true, 0, 2, 2);
  check(p.r.rows == 2 && p.r.bytes_used == 8, "stops at capacity");
}

// Each row's fields as read: column 0 as its label's first field text (codes are per call), column 1's value bits.
static std::vector<std::string> rows_of(const std::string& text, const Parsed& p, size_t capacity) {
  std::vector<std::string> rows;
  for (size_t row = 0; row < p.r.rows; ++row) {
    const int32_t code = p.codes[row];
    uint64_t bits;
    std::memcpy(&bits, &p.out[capacity + row], 8);
    rows.push_back((code < 0 ? std::string("<missing>") : first_text(text, p, 0, static_cast<size_t>(code))) + "|" + std::to_string(bits));
  }
  return rows;
}

// Every cut of a file into two calls reads what one call reads: the same rows, labels and values.
static void test_cuts() {
  const std::string text = "1.5,\"2\"\r\n-3e2,\r\n\r\n\"\"\" \",4\r\nNA,7\r\n\"x\r\ny\",8\r\n5,+.5";
  const size_t capacity = 8;
  for (const unsigned mask : {0u, 1u}) {  // column 0 as numbers (an error at row 2), then as labels
    const Parsed whole = parse(text, true, 1, 2, capacity, mask);
    check(mask == 0 ? whole.r.error == mlwatch::kCsvNotANumber : whole.r.error == mlwatch::kCsvOk && whole.r.rows == 6, "the whole text");
    for (size_t cut = 0; cut <= text.size(); ++cut) {
      const std::string head = text.substr(0, cut);
      Parsed first = parse(head, false, 1, 2, capacity, mask);
      const size_t used = first.r.bytes_used;
      check(used <= cut, "bytes used within the cut");
      const std::string tail = text.substr(used);
      Parsed rest = parse(tail, true, 1, 2, capacity, mask);
      check(first.r.rows + rest.r.rows == whole.r.rows && rest.r.error == whole.r.error, "cut at " + std::to_string(cut));
      if (mask == 0) continue;
      std::vector<std::string> rows = rows_of(head, first, capacity);
      for (const std::string& row : rows_of(tail, rest, capacity)) rows.push_back(row);
      check(rows == rows_of(text, whole, capacity), "labels and values of the cut at " + std::to_string(cut));
    }
  }
}

// Random bytes: no crash, no read or write outside the buffers (ASan), results within bounds.
static void test_random_bytes() {
  std::mt19937 gen(42);
  const char alphabet[] = "0123456789,\"\r\n.eE+- NaI\xC2\xA0\xE3\x80";
  for (int round = 0; round < 20000; ++round) {
    const size_t n = gen() % 64;
    std::vector<uint8_t> bytes(n);
    for (auto& b : bytes) b = gen() % 4 == 0 ? static_cast<uint8_t>(gen()) : alphabet[gen() % (sizeof alphabet - 1)];
    const size_t fields = 1 + gen() % 4;
    const size_t capacity = 1 + gen() % 5;
    std::vector<int32_t> slots(fields);
    std::vector<uint8_t> labels(fields);
    for (size_t f = 0; f < fields; ++f) {
      slots[f] = gen() % 3 == 0 ? -1 : static_cast<int32_t>(f);
      labels[f] = gen() % 2;
    }
    std::vector<double> out(fields * capacity);
    std::vector<int32_t> codes(fields * capacity);
    std::vector<std::vector<size_t>> firsts;
    const auto r = mlwatch::csv_columns(bytes.data(), n, gen() % 2 == 0, static_cast<int>(gen() % 3), slots.data(), fields,
                                        labels.data(), fields, out.data(), codes.data(), capacity, firsts);
    check(r.rows <= capacity && r.bytes_used <= n && r.field_end <= n && r.field_begin <= r.field_end, "random bytes within bounds");
    for (const auto& pairs : firsts)
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) check(pairs[i] <= pairs[i + 1] && pairs[i + 1] <= n, "firsts within the bytes");
  }
}

int main() {
  test_values();
  test_records();
  test_cuts();
  test_labels();
  test_random_bytes();
  if (failures) {
    std::printf("%d failed\n", failures);
    return 1;
  }
  std::printf("csv_columns tests: all passed\n");
  return 0;
}
