#include <gtest/gtest.h>

#include <string>

#include "model/utf8.hpp"

namespace voronka::model {
namespace {

TEST(Utf8, AcceptsWellFormedTextOfEveryLength) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ASCII, longer than one word of eight"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9"));                  // é, two bytes
  EXPECT_TRUE(is_valid_utf8("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"));  // Иван
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac 100"));          // €, three bytes
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));          // U+1F600, four bytes
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));          // U+10FFFF, the last
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\x80"));                     // a continuation alone
  EXPECT_FALSE(is_valid_utf8("\xc3"));                     // cut short
  EXPECT_FALSE(is_valid_utf8("\xc3("));                    // no continuation
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));                 // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));             // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));             // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));         // above U+10FFFF
  // After a run of ASCII longer than a word, and at its very end.
  EXPECT_FALSE(is_valid_utf8("abcdefghij\xe9klm"));
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xe9"));
}

TEST(Utf8, FindsANonAsciiByteAtAnyPlaceOfATextOfAnyLength) {
  for (size_t length = 0; length <= 20; ++length) {
    std::string text(length, 'a');
    EXPECT_EQ(non_ascii_bits(text), 0u) << length;
    for (size_t at = 0; at < length; ++at) {
      text[at] = '\xe9';
      EXPECT_NE(non_ascii_bits(text), 0u) << length << " " << at;
      text[at] = 'a';
    }
  }
}

TEST(Utf8, EscapesOnlyTheBytesThatDoNotBelong) {
  EXPECT_EQ(escape_invalid_utf8("caf\xe9 \xc3\xa9t\xc3"), "caf\\xe9 \xc3\xa9t\\xc3");
  EXPECT_EQ(escape_invalid_utf8("\xc3("), "\\xc3(");
  EXPECT_EQ(escape_invalid_utf8("ok"), "ok");
}

TEST(Utf8, APrefixNeverEndsInsideACharacter) {
  const std::string ivan = "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd";  // "Иван", two bytes a letter
  EXPECT_EQ(utf8_prefix(ivan, 8), ivan);
  EXPECT_EQ(utf8_prefix(ivan, 100), ivan);
  EXPECT_EQ(utf8_prefix(ivan, 4), "\xd0\x98\xd0\xb2");
  EXPECT_EQ(utf8_prefix(ivan, 3), "\xd0\x98");  // not the first byte of "в"
  EXPECT_EQ(utf8_prefix(ivan, 1), "");
  EXPECT_EQ(utf8_prefix("\xe2\x82\xac!", 2), "");  // a three-byte "€"
  EXPECT_EQ(utf8_prefix("abc", 2), "ab");
}

TEST(Utf8, AMessageTextIsValidWhateverItQuotes) {
  std::string long_russian;
  for (int i = 0; i < 60; ++i) long_russian += "\xd0\xb4";  // 120 bytes of "д"
  const std::string shown = message_text(long_russian);
  EXPECT_EQ(shown.size(), 100u);
  EXPECT_TRUE(is_valid_utf8(shown));
  EXPECT_EQ(message_text(long_russian.substr(1), 100).size(), 4u + 98u);  // "\xb4" then 49 letters
  EXPECT_EQ(message_text("\xc8\xe2\xe0\xed", 3), "\\xc8\\xe2\\xe0");
}

}  // namespace
}  // namespace voronka::model
