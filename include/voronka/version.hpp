// The library's version.
#ifndef VORONKA_VERSION_HPP_
#define VORONKA_VERSION_HPP_

#include <string_view>

namespace voronka {

// "0.1.0": major.minor.patch of the library that is linked.
std::string_view version_string();

}  // namespace voronka

#endif  // VORONKA_VERSION_HPP_
