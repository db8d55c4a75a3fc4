// Byte sequences coded in order of first appearance: the dictionary coder that the label
// kernels share (arrow_labels: Arrow string columns; csv_columns: CSV label fields). A table
// lives for one kernel call; the bytes of every long label it holds must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace mlwatch {

// FNV-1a over the bytes of a label longer than 8 bytes.
inline std::uint64_t hash_long(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 14695981039346656037ull ^ n;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// An open-addressing table from byte sequences to codes. A label of up to 8 bytes is keyed by
// its bytes as one zero-padded word (with its length, its identity: no byte comparison); a longer
// one by its hash, confirmed by comparing its bytes with those of the code's first appearance.
class CodeTable {
 public:
  CodeTable() : slots_(kFirstSlots), shift_(64 - kFirstBits) {}

  // The code of [p, p + n); `word` holds its bytes when n <= 8. *added: whether it is new.
  std::int32_t code(const std::uint8_t* p, std::size_t n, std::uint64_t word, bool* added) {
    const bool is_short = n <= 8;
    const std::uint64_t key = is_short ? word : hash_long(p, n);
    const std::uint32_t len = static_cast<std::uint32_t>(is_short ? n : 9);
    const std::size_t mask = slots_.size() - 1;
    std::size_t k = index(key, len);
    for (;; k = (k + 1) & mask) {
      const Slot& slot = slots_[k];
      if (slot.code_plus_one == 0) break;
      if (slot.key != key || slot.len != len) continue;
      if (is_short) {
        *added = false;
        return slot.code_plus_one - 1;
      }
      const Long& first = longs_[static_cast<std::size_t>(slot.long_index)];
      if (first.n == n && std::memcmp(first.p, p, n) == 0) {
        *added = false;
        return slot.code_plus_one - 1;
      }
    }
    const std::int32_t code = codes_++;
    std::int32_t long_index = -1;
    if (!is_short) {
      long_index = static_cast<std::int32_t>(longs_.size());
      longs_.push_back({p, n});
    }
    slots_[k] = {key, code + 1, len, long_index};
    if (static_cast<std::size_t>(codes_) * 2 > slots_.size()) grow();
    *added = true;
    return code;
  }

 private:
  static constexpr unsigned kFirstBits = 8;
  static constexpr std::size_t kFirstSlots = std::size_t(1) << kFirstBits;

  struct Slot {
    std::uint64_t key = 0;          // the word (n <= 8) or the hash of the bytes
    std::int32_t code_plus_one = 0;  // 0: empty
    std::uint32_t len = 0;           // n for short labels, 9 for every longer one
    std::int32_t long_index = -1;    // longer labels: their first appearance in longs_
  };
  struct Long {
    const std::uint8_t* p;
    std::size_t n;
  };

  // Fibonacci hashing: the top bits of key * 2^64 / phi, the length folded in.
  std::size_t index(std::uint64_t key, std::uint32_t len) const {
    return static_cast<std::size_t>(((key + len) * 0x9e3779b97f4a7c15ull) >> shift_);
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    --shift_;
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.code_plus_one == 0) continue;
      std::size_t j = index(slot.key, slot.len);
      while (slots_[j].code_plus_one != 0) j = (j + 1) & mask;
      slots_[j] = slot;
    }
  }

  std::vector<Slot> slots_;
  unsigned shift_;
  std::int32_t codes_ = 0;
  std::vector<Long> longs_;
};

// The bytes [p, p + n) (n <= 8) as a zero-padded word; a single 8-byte load when the 8 bytes
// from p lie within the buffer (end), else byte by byte.
inline std::uint64_t short_word(const std::uint8_t* p, std::size_t n, const std::uint8_t* end) {
  std::uint64_t w = 0;
  if (n == 0) return 0;
  if (end - p >= 8) {
    std::memcpy(&w, p, 8);
    return n == 8 ? w : w & ((std::uint64_t(1) << (8 * n)) - 1);  // little-endian: the first n bytes are the low ones
  }
  for (std::size_t i = 0; i < n; ++i) w |= std::uint64_t(p[i]) << (8 * i);
  return w;
}

}  // namespace mlwatch
