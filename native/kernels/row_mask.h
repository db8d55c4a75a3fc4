// A batch job's row filters as a keep mask over a chunk's rows (several filters AND into one
// mask). Semantics shared with src/backend/js/row-mask.ts, the readable reference:
// - mask_rows: keep[i] = 0 unless values[i] OP operand (OP: 0 '<', 1 '<=', 2 '>', 3 '>=', 4 '=',
//   5 '!='; IEEE comparisons, so NaN fails every one but '!=');
// - mask_codes: keep[i] = 0 unless codes[i] >= 0, codes[i] < pass_count and pass[codes[i]] != 0.
// Both return the rows whose keep[i] is nonzero afterwards.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlwatch {

std::size_t mask_rows(const double* values, std::size_t n, int op, double operand, std::uint8_t* keep);

std::size_t mask_codes(const std::int32_t* codes, std::size_t n, const std::uint8_t* pass, std::size_t pass_count,
                       std::uint8_t* keep);

}  // namespace mlwatch
