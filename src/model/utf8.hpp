// UTF-8: what text the ledger accepts, and how invalid text is shown.
//
// Every text an event carries ends up in protobuf string fields (the store's
// records, reports, JSON), which must hold valid UTF-8; text in any other
// encoding (a cp1251 export, say) is rejected when it arrives rather than
// mangled on the way out.
#ifndef VORONKA_MODEL_UTF8_HPP_
#define VORONKA_MODEL_UTF8_HPP_

#include <string>
#include <string_view>

namespace voronka::model {

// Whether `text` is well-formed UTF-8: no stray or missing continuation
// bytes, no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// `text` with each byte that is not part of a well-formed sequence written
// as \xHH, for error messages.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace voronka::model

#endif  // VORONKA_MODEL_UTF8_HPP_
