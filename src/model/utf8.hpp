// UTF-8: what text the ledger accepts, and how invalid text is shown.
//
// Every text an event carries ends up in protobuf string fields (the store's
// records, reports, JSON), which must hold valid UTF-8; text in any other
// encoding (a cp1251 export, say) is rejected when it arrives rather than
// mangled on the way out.
#ifndef VORONKA_MODEL_UTF8_HPP_
#define VORONKA_MODEL_UTF8_HPP_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace voronka::model {

// The high bits of `text`'s bytes, gathered: zero when all of it is ASCII
// (and so valid UTF-8), the case nearly every text is. Inline and without a
// loop over bytes: short texts are covered by two overlapping loads.
inline uint64_t non_ascii_bits(std::string_view text) {
  const char* const p = text.data();
  const size_t n = text.size();
  auto load = [p](size_t at, auto word) {
    std::memcpy(&word, p + at, sizeof word);
    return static_cast<uint64_t>(word);
  };
  uint64_t bits = 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 <= n; i += 8) bits |= load(i, uint64_t{});
    bits |= load(n - 8, uint64_t{});
  } else if (n >= 4) {
    bits = load(0, uint32_t{}) | load(n - 4, uint32_t{});
  } else if (n > 0) {
    bits = load(0, uint8_t{}) | load(n / 2, uint8_t{}) | load(n - 1, uint8_t{});
  }
  return bits & 0x8080808080808080u;
}

// Whether `text` is well-formed UTF-8: no stray or missing continuation
// bytes, no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` that does not end
// inside a character: messages cut long values without splitting one.
inline std::string_view utf8_prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

// `text` with each byte that is not part of a well-formed sequence written
// as \xHH, for error messages.
std::string escape_invalid_utf8(std::string_view text);

// `text` as an error message shows it: cut to at most `max_bytes` without
// splitting a character, and escaped as escape_invalid_utf8 does, so that a
// message is valid UTF-8 whatever it quotes.
inline std::string message_text(std::string_view text, size_t max_bytes = 100) {
  return escape_invalid_utf8(utf8_prefix(text, max_bytes));
}

}  // namespace voronka::model

#endif  // VORONKA_MODEL_UTF8_HPP_
