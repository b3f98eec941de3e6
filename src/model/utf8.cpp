#include "model/utf8.hpp"

#include <cstdint>
#include <cstring>

#include <boost/locale/utf.hpp>
#include <fmt/format.h>

namespace voronka::model {
namespace {

using Utf8 = boost::locale::utf::utf_traits<char>;

// Where the run of ASCII bytes starting at `p` ends. Nearly all text is
// ASCII, so it is skipped eight bytes at a time before decoding.
const char* skip_ascii(const char* p, const char* end) {
  while (end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    if ((word & 0x8080808080808080u) != 0) break;
    p += 8;
  }
  while (p < end && static_cast<unsigned char>(*p) < 0x80) ++p;
  return p;
}

// Decodes the sequence at `p`, advancing it; false when it is not well-formed
// (then `p` is left past the bytes examined).
bool decode(const char*& p, const char* end) {
  const boost::locale::utf::code_point c = Utf8::decode(p, end);
  return c != boost::locale::utf::illegal && c != boost::locale::utf::incomplete;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while ((p = skip_ascii(p, end)) < end) {
    if (!decode(p, end)) return false;
  }
  return true;
}

std::string escape_invalid_utf8(std::string_view text) {
  std::string out;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char* const ascii_end = skip_ascii(p, end);
    out.append(p, ascii_end);
    p = ascii_end;
    if (p == end) break;
    const char* const start = p;
    if (decode(p, end)) {
      out.append(start, p);
    } else {
      p = start + 1;  // the first byte is the one that does not belong
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(*start));
    }
  }
  return out;
}

}  // namespace voronka::model
