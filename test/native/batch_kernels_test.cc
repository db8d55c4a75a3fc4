// Plain C++ tests of the batch reader's kernels (no Node): arrow_numbers, arrow_labels, mask_rows,
// mask_codes, gather_finite and count_codes on known inputs, each buffer of exactly its length so
// that ASan sees a read one past the end, and random offsets that must be refused, never followed.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/arrow_labels.h"
#include "kernels/arrow_numbers.h"
#include "kernels/gather_rows.h"
#include "kernels/row_mask.h"
#include "kernels/sorted_runs.h"

static int failures = 0;

static void check(bool ok, const char* what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAIL %s\n", what);
  }
}

int main() {
  using mlwatch::ArrowValueType;
  {
    const std::vector<int64_t> v = {0, -1, (int64_t(1) << 53) + 1, std::numeric_limits<int64_t>::min(), 1000};
    const std::vector<uint8_t> valid = {0x1d};  // rows 0, 2, 3, 4 valid (bits 0, 2, 3, 4)
    std::vector<double> out(4);
    mlwatch::arrow_numbers(v.data(), ArrowValueType::kInt64, 1, 4, valid.data(), 1e-3, out.data());
    check(std::isnan(out[0]), "row 1 is missing");
    check(out[1] == 9007199254740992.0 * 1e-3, "2^53 + 1 rounds to even, then scales");
    check(out[2] == -9223372036854775808.0 * 1e-3 && out[3] == 1.0, "int64 min and 1000 us");
    const std::vector<uint64_t> u = {~uint64_t(0), (uint64_t(1) << 63) + 1025};
    std::vector<double> uo(2);
    mlwatch::arrow_numbers(u.data(), ArrowValueType::kUint64, 0, 2, nullptr, 1, uo.data());
    check(uo[0] == 18446744073709551616.0 && uo[1] == 9223372036854777856.0, "uint64 rounds to nearest");
    const std::vector<uint8_t> bits = {0xa5, 0x01};  // 1,0,1,0,0,1,0,1, 1
    std::vector<double> bo(6);
    mlwatch::arrow_numbers(bits.data(), ArrowValueType::kBits, 3, 6, nullptr, 1, bo.data());
    check(bo[0] == 0 && bo[1] == 0 && bo[2] == 1 && bo[3] == 0 && bo[4] == 1 && bo[5] == 1, "bit-packed booleans from bit 3");
    const std::vector<int16_t> s = {-3, 7};
    std::vector<double> so(2);
    mlwatch::arrow_numbers(s.data(), ArrowValueType::kInt16, 0, 2, nullptr, 86400000, so.data());
    check(so[0] == -3 * 86400000.0 && so[1] == 7 * 86400000.0, "int16 scaled");
    // a negative scale divides: the quotient is correctly rounded, the product with 1e-3 or 1e-6 here is not
    const std::vector<int64_t> sub = {813029083720669, 3280387012261000};
    std::vector<double> us(1), ns(1);
    mlwatch::arrow_numbers(sub.data(), ArrowValueType::kInt64, 0, 1, nullptr, -1000, us.data());
    mlwatch::arrow_numbers(sub.data(), ArrowValueType::kInt64, 1, 1, nullptr, -1e6, ns.data());
    check(us[0] == 813029083720.669 && ns[0] == 3280387012.261, "micro- and nanoseconds divided to milliseconds");
    check(813029083720669.0 * 1e-3 != 813029083720.669 && 3280387012261000.0 * 1e-6 != 3280387012.261,
          "the products would not be exact (the case above means something)");
  }
  {
    const std::string text = "SFOLAXSFOZurich long nameLAX";
    const std::vector<uint8_t> bytes(text.begin(), text.end());
    const std::vector<int32_t> offsets = {0, 3, 6, 9, 9, 25, 28};
    const std::vector<uint8_t> valid = {0x3b};  // row 2 missing
    std::vector<int32_t> codes(6);
    std::vector<int32_t> firsts;
    mlwatch::ArrowLabelsResult r =
        mlwatch::arrow_labels(offsets.data(), bytes.data(), bytes.size(), 0, 6, valid.data(), codes.data(), 10, firsts);
    check(r.ok, "valid offsets");
    check(codes == std::vector<int32_t>({10, 11, -1, 12, 13, 11}), "codes by first appearance from base 10");
    check(firsts == std::vector<int32_t>({0, 1, 3, 4}), "rows of first appearance");
    const std::vector<int64_t> wide = {0, 3, 6, 40, 9};
    std::vector<int32_t> c2(4);
    firsts.clear();
    r = mlwatch::arrow_labels(wide.data(), bytes.data(), bytes.size(), 0, 4, nullptr, c2.data(), 0, firsts);
    check(!r.ok && r.bad_row == 2 && r.start == 6 && r.end == 40, "an end beyond the bytes is refused");
    // random offsets: each is either refused or coded within bounds
    std::mt19937 gen(7);
    for (int trial = 0; trial < 2000; ++trial) {
      const size_t n = gen() % 40;
      std::vector<int64_t> offs(n + 1);
      for (auto& o : offs) o = static_cast<int64_t>(gen() % 40) - 5;
      std::vector<uint8_t> small(gen() % 30);
      std::vector<int32_t> cs(n);
      std::vector<int32_t> fs;
      mlwatch::arrow_labels(offs.data(), small.data(), small.size(), 0, n, nullptr, cs.data(), 0, fs);
    }
  }
  {
    const std::vector<double> v = {1, 2, std::nan(""), 3, -0.0};
    std::vector<uint8_t> keep = {1, 1, 1, 1, 0};
    check(mlwatch::mask_rows(v.data(), v.size(), 5, 2, keep.data()) == 3, "!= keeps NaN");
    check(keep == std::vector<uint8_t>({1, 0, 1, 1, 0}), "mask after !=");
    check(mlwatch::mask_rows(v.data(), v.size(), 0, 3, keep.data()) == 1, "< drops NaN");
    const std::vector<int32_t> codes = {0, 1, -1, 7, 2};
    const std::vector<uint8_t> pass = {1, 0, 1};
    std::vector<uint8_t> k2(5, 1);
    check(mlwatch::mask_codes(codes.data(), 5, pass.data(), pass.size(), k2.data()) == 2, "codes passing");
    check(k2 == std::vector<uint8_t>({1, 0, 0, 0, 1}), "negative and large codes fail");
  }
  {
    const std::vector<double> v = {3, std::nan(""), -1, INFINITY, 7};
    const std::vector<uint8_t> keep = {1, 1, 1, 1, 0};
    check(mlwatch::kept_rows(keep.data(), 5) == 4 && mlwatch::kept_rows(nullptr, 5) == 5, "kept rows");
    std::vector<double> out(4);
    const mlwatch::GatheredValues g = mlwatch::gather_finite(v.data(), 5, keep.data(), out.data());
    check(g.count == 2 && g.min == -1 && g.max == 3 && out[0] == 3 && out[1] == -1, "finite kept values");
    const std::vector<int32_t> codes = {0, 2, -1, 2, 5};
    std::vector<double> counts(3);
    check(mlwatch::first_code_at_or_above(codes.data(), 5, keep.data(), 3) == 5, "row 4 is dropped");
    check(mlwatch::first_code_at_or_above(codes.data(), 5, nullptr, 3) == 4, "row 4's code is too large");
    mlwatch::count_codes(codes.data(), 5, keep.data(), counts.data());
    check(counts[0] == 1 && counts[1] == 0 && counts[2] == 2, "counts");
  }
  {
    const std::vector<double> sorted = {-2, -2, -0.0, 0, 1.5, 7, 7};
    std::vector<double> values(2), counts(2);
    check(mlwatch::sorted_runs(sorted.data(), sorted.size(), values.data(), counts.data(), 2) == 4, "four runs");
    check(values[0] == -2 && counts[0] == 2 && std::signbit(values[1]) && counts[1] == 2, "runs within the room");
    check(mlwatch::sorted_runs(sorted.data(), sorted.size(), nullptr, nullptr, 0) == 4, "counting only");
  }
  if (failures == 0) std::printf("batch kernels: all passed\n");
  return failures == 0 ? 0 : 1;
}
