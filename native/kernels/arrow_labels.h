// The strings of an Arrow Utf8 / LargeUtf8 column chunk coded by byte sequence, in order of first
// appearance, so that the batch reader decodes each distinct label once per chunk instead of once
// per row. Semantics shared with src/backend/js/arrow-labels.ts, the readable reference:
// - string i (i < length) is bytes [offsets[offset + i], offsets[offset + i + 1]);
// - codes[i] = base + the index of its byte sequence among the chunk's distinct ones, in order of
//   first appearance; -1 where the validity bitmap (null: all valid) has bit offset + i clear
//   (the offsets of a missing string are not read);
// - firsts receives, per code from base on, the row i of its first appearance;
// - a valid string whose offsets are decreasing or outside [0, byte_count] stops the coding:
//   the result names the row and its offsets (codes and firsts then hold a partial answer).
// The caller has checked that offsets hold offset + length + 1 entries, validity offset + length
// bits and codes length entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlwatch {

struct ArrowLabelsResult {
  bool ok = true;
  std::size_t bad_row = 0;  // offset + i of the string with bad offsets
  std::int64_t start = 0;
  std::int64_t end = 0;
};

template <class Offset>
ArrowLabelsResult arrow_labels(const Offset* offsets, const std::uint8_t* bytes, std::size_t byte_count,
                               std::size_t offset, std::size_t length, const std::uint8_t* validity,
                               std::int32_t* codes, std::int32_t base, std::vector<std::int32_t>& firsts);

extern template ArrowLabelsResult arrow_labels<std::int32_t>(const std::int32_t*, const std::uint8_t*, std::size_t,
                                                             std::size_t, std::size_t, const std::uint8_t*,
                                                             std::int32_t*, std::int32_t, std::vector<std::int32_t>&);
extern template ArrowLabelsResult arrow_labels<std::int64_t>(const std::int64_t*, const std::uint8_t*, std::size_t,
                                                             std::size_t, std::size_t, const std::uint8_t*,
                                                             std::int32_t*, std::int32_t, std::vector<std::int32_t>&);

// The keys of an Arrow dictionary-encoded column chunk as codes (the dictionary's own order):
// codes[i] = base + key (offset + i), or -1 where the validity bitmap (null: all valid) has bit
// offset + i clear (the key of a missing value is not read). A valid key that is negative or
// at least `size` (the dictionary's length) stops the coding: the result names the row and the
// key. Key is one of the integer types of Arrow's dictionary indices (8 to 64 bits, signed or not).
// The caller has checked that keys hold offset + length entries, validity offset + length bits,
// codes length entries, and that base + size fits an int32.
struct ArrowKeysResult {
  bool ok = true;
  std::size_t bad_row = 0;  // offset + i of the bad key
  std::string key;          // its value, in decimal
};

template <class Key>
ArrowKeysResult arrow_keys(const Key* keys, std::size_t offset, std::size_t length, const std::uint8_t* validity,
                           std::size_t size, std::int32_t base, std::int32_t* codes);

}  // namespace mlwatch
