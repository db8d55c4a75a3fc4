#include "kernels/arrow_labels.h"

#include <cstring>

namespace mlwatch {

namespace {

inline std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// A label of up to 8 bytes as one word (its bytes, zero-padded): with its length, its identity.
inline std::uint64_t short_word(const std::uint8_t* p, std::size_t n) {
  std::uint64_t w = 0;
  if (n > 0) std::memcpy(&w, p, n);
  return w;
}

// FNV-1a over the bytes of a longer label, mixed.
inline std::uint64_t hash_long(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 14695981039346656037ull ^ n;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return mix(h);
}

// An open-addressing table from byte sequences to codes. A slot holds code + 1 (0: empty) and the
// hash; each code keeps its length, its word (labels of up to 8 bytes, compared as one word) or
// where its bytes are (longer labels, compared with memcmp).
class CodeTable {
 public:
  CodeTable() : slots_(64, 0), hashes_(64, 0) {}

  std::int32_t code(const std::uint8_t* p, std::size_t n, bool* added) {
    const bool is_short = n <= 8;
    const std::uint64_t word = is_short ? short_word(p, n) : 0;
    const std::uint64_t h = is_short ? mix(word * 0x9e3779b97f4a7c15ull + n) : hash_long(p, n);
    const std::size_t mask = slots_.size() - 1;
    std::size_t k = h & mask;
    for (;; k = (k + 1) & mask) {
      const std::int32_t s = slots_[k];
      if (s == 0) break;
      if (hashes_[k] != h) continue;
      const Entry& e = entries_[static_cast<std::size_t>(s - 1)];
      if (e.n != n) continue;
      if (is_short ? e.word == word : std::memcmp(e.p, p, n) == 0) {
        *added = false;
        return s - 1;
      }
    }
    const std::int32_t code = static_cast<std::int32_t>(entries_.size());
    entries_.push_back({p, n, word});
    slots_[k] = code + 1;
    hashes_[k] = h;
    if (entries_.size() * 2 > slots_.size()) grow();
    *added = true;
    return code;
  }

 private:
  struct Entry {
    const std::uint8_t* p;
    std::size_t n;
    std::uint64_t word;
  };

  void grow() {
    std::vector<std::int32_t> slots(slots_.size() * 2, 0);
    std::vector<std::uint64_t> hashes(slots.size(), 0);
    const std::size_t mask = slots.size() - 1;
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      if (slots_[k] == 0) continue;
      std::size_t j = hashes_[k] & mask;
      while (slots[j] != 0) j = (j + 1) & mask;
      slots[j] = slots_[k];
      hashes[j] = hashes_[k];
    }
    slots_.swap(slots);
    hashes_.swap(hashes);
  }

  std::vector<std::int32_t> slots_;
  std::vector<std::uint64_t> hashes_;
  std::vector<Entry> entries_;
};

}  // namespace

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
    const std::int32_t code = table.code(bytes + s, static_cast<std::size_t>(e - s), &added);
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

}  // namespace mlwatch
