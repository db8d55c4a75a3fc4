#include "kernels/row_mask.h"

namespace mlwatch {

namespace {

// One comparison per row, written branch-free so the loop vectorizes.
template <class Compare>
std::size_t mask_with(const double* values, std::size_t n, double operand, std::uint8_t* keep, Compare compare) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t k = static_cast<std::uint8_t>(keep[i] != 0 && compare(values[i], operand));
    keep[i] = k;
    kept += k;
  }
  return kept;
}

}  // namespace

std::size_t mask_rows(const double* values, std::size_t n, int op, double operand, std::uint8_t* keep) {
  switch (op) {
    case 0: return mask_with(values, n, operand, keep, [](double v, double x) { return v < x; });
    case 1: return mask_with(values, n, operand, keep, [](double v, double x) { return v <= x; });
    case 2: return mask_with(values, n, operand, keep, [](double v, double x) { return v > x; });
    case 3: return mask_with(values, n, operand, keep, [](double v, double x) { return v >= x; });
    case 4: return mask_with(values, n, operand, keep, [](double v, double x) { return v == x; });
    default: return mask_with(values, n, operand, keep, [](double v, double x) { return v != x; });
  }
}

std::size_t mask_codes(const std::int32_t* codes, std::size_t n, const std::uint8_t* pass, std::size_t pass_count,
                       std::uint8_t* keep) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t c = codes[i];
    const bool ok = c >= 0 && static_cast<std::size_t>(c) < pass_count && pass[c] != 0;
    const std::uint8_t k = static_cast<std::uint8_t>(keep[i] != 0 && ok);
    keep[i] = k;
    kept += k;
  }
  return kept;
}

}  // namespace mlwatch
