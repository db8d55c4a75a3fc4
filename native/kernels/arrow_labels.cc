#include "kernels/arrow_labels.h"

#include <type_traits>

#include "kernels/label_codes.h"

namespace mlwatch {

template <class Offset>
ArrowLabelsResult arrow_labels(const Offset* offsets, const std::uint8_t* bytes, std::size_t byte_count,
                               std::size_t offset, std::size_t length, const std::uint8_t* validity,
                               std::int32_t* codes, std::int32_t base, std::vector<std::int32_t>& firsts) {
  ArrowLabelsResult result;
  CodeTable table;
  for (std::size_t i = 0; i < length; ++i) {
    const std::size_t row = offset + i;
    if (validity && (validity[row >> 3] & (1u << (row & 7))) == 0) {
      codes[i] = -1;
      continue;
    }
    const std::int64_t s = static_cast<std::int64_t>(offsets[row]);
    const std::int64_t e = static_cast<std::int64_t>(offsets[row + 1]);
    if (!(s >= 0 && s <= e && static_cast<std::uint64_t>(e) <= byte_count)) {
      result.ok = false;
      result.bad_row = row;
      result.start = s;
      result.end = e;
      return result;
    }
    bool added = false;
    const std::uint8_t* p = bytes + s;
    const std::size_t n = static_cast<std::size_t>(e - s);
    const std::int32_t code = table.code(p, n, n <= 8 ? short_word(p, n, bytes + byte_count) : 0, &added);
    if (added) firsts.push_back(static_cast<std::int32_t>(i));
    codes[i] = base + code;
  }
  return result;
}

template ArrowLabelsResult arrow_labels<std::int32_t>(const std::int32_t*, const std::uint8_t*, std::size_t, std::size_t,
                                                      std::size_t, const std::uint8_t*, std::int32_t*, std::int32_t,
                                                      std::vector<std::int32_t>&);
template ArrowLabelsResult arrow_labels<std::int64_t>(const std::int64_t*, const std::uint8_t*, std::size_t, std::size_t,
                                                      std::size_t, const std::uint8_t*, std::int32_t*, std::int32_t,
                                                      std::vector<std::int32_t>&);

template <class Key>
ArrowKeysResult arrow_keys(const Key* keys, std::size_t offset, std::size_t length, const std::uint8_t* validity,
                           std::size_t size, std::int32_t base, std::int32_t* codes) {
  ArrowKeysResult result;
  for (std::size_t i = 0; i < length; ++i) {
    const std::size_t row = offset + i;
    if (validity && (validity[row >> 3] & (1u << (row & 7))) == 0) {
      codes[i] = -1;
      continue;
    }
    const Key key = keys[row];
    bool negative = false;
    if constexpr (std::is_signed_v<Key>) negative = key < 0;
    if (negative || static_cast<std::uint64_t>(key) >= size) {
      result.ok = false;
      result.bad_row = row;
      result.key = std::to_string(key);
      return result;
    }
    codes[i] = base + static_cast<std::int32_t>(key);
  }
  return result;
}

#define MLWATCH_ARROW_KEYS(Key)                                                                                    \
  template ArrowKeysResult arrow_keys<Key>(const Key*, std::size_t, std::size_t, const std::uint8_t*, std::size_t, \
                                           std::int32_t, std::int32_t*);
MLWATCH_ARROW_KEYS(std::int8_t)
MLWATCH_ARROW_KEYS(std::uint8_t)
MLWATCH_ARROW_KEYS(std::int16_t)
MLWATCH_ARROW_KEYS(std::uint16_t)
MLWATCH_ARROW_KEYS(std::int32_t)
MLWATCH_ARROW_KEYS(std::uint32_t)
MLWATCH_ARROW_KEYS(std::int64_t)
MLWATCH_ARROW_KEYS(std::uint64_t)
#undef MLWATCH_ARROW_KEYS

}  // namespace mlwatch
