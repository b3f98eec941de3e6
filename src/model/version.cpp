#include "voronka/version.hpp"

namespace voronka {

std::string_view version_string() { return VORONKA_VERSION_STRING; }

}  // namespace voronka
