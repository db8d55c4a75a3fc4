#include "kernels/arrow_labels.h"

#include <cstring>

namespace mlwatch {

namespace {

// FNV-1a over the bytes, then a final mix so that short keys spread over the low bits.
inline std::uint64_t hash_bytes(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 14695981039346656037ull ^ n;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// An open-addressing table from byte sequences to codes; a slot holds code + 1 (0: empty).
class CodeTable {
 public:
  CodeTable() : slots_(64, 0), hashes_(64, 0) {}

  // The code of [p, p + n), or -1 with the slot to fill in *slot.
  std::int32_t find(const std::uint8_t* p, std::size_t n, std::uint64_t h, std::size_t* slot) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t k = h & mask;; k = (k + 1) & mask) {
      const std::int32_t s = slots_[k];
      if (s == 0) {
        *slot = k;
        return -1;
      }
      const Span& span = spans_[static_cast<std::size_t>(s - 1)];
      if (hashes_[k] == h && span.n == n && (n == 0 || std::memcmp(span.p, p, n) == 0)) return s - 1;
    }
  }

  std::int32_t add(const std::uint8_t* p, std::size_t n, std::uint64_t h, std::size_t slot) {
    const std::int32_t code = static_cast<std::int32_t>(spans_.size());
    spans_.push_back({p, n});
    slots_[slot] = code + 1;
    hashes_[slot] = h;
    if (spans_.size() * 2 > slots_.size()) grow();
    return code;
  }

 private:
  struct Span {
    const std::uint8_t* p;
    std::size_t n;
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
  std::vector<Span> spans_;
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
    const std::uint8_t* p = bytes + s;
    const std::size_t n = static_cast<std::size_t>(e - s);
    const std::uint64_t h = hash_bytes(p, n);
    std::size_t slot = 0;
    std::int32_t code = table.find(p, n, h, &slot);
    if (code < 0) {
      code = table.add(p, n, h, slot);
      firsts.push_back(static_cast<std::int32_t>(i));
    }
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
