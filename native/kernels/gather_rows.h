// A batch job's collectors take a chunk's kept rows (a keep mask from row_mask, or every row)
// without first copying the chunk. Semantics shared with src/backend/js/gather-rows.ts:
// - gather_finite appends the finite values of the kept rows (keep null: every row; else
//   keep[i] != 0) to out, in row order, and reports their count, minimum and maximum (+inf and
//   -inf when there is none); out has room for every kept row (the caller checked);
// - count_codes adds 1 to counts[codes[i]] for each kept row with codes[i] >= 0; the caller has
//   checked (kept_code_limit) that every kept code is below the number of counts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlwatch {

struct GatheredValues {
  std::size_t count = 0;
  double min = 0;
  double max = 0;
};

// Rows with keep[i] != 0 (n when keep is null).
std::size_t kept_rows(const std::uint8_t* keep, std::size_t n);

GatheredValues gather_finite(const double* values, std::size_t n, const std::uint8_t* keep, double* out);

// The first kept row whose code is >= limit, or n when there is none.
std::size_t first_code_at_or_above(const std::int32_t* codes, std::size_t n, const std::uint8_t* keep,
                                   std::int64_t limit);

void count_codes(const std::int32_t* codes, std::size_t n, const std::uint8_t* keep, double* counts);

}  // namespace mlwatch
