// Whether memory carries the huge-page advice, for the tests of the arrays
// that ask for it.
#ifndef VORONKA_TESTS_HUGE_PAGES_TESTING_HPP_
#define VORONKA_TESTS_HUGE_PAGES_TESTING_HPP_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace voronka::testing {

// Whether the system has transparent huge pages at all; where it has not,
// there is no advice to see.
inline bool has_transparent_huge_pages() {
  return std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled");
}

// Whether the mapping that holds `address` carries the huge-page advice
// ("hg" among its VmFlags); nullopt where /proc/self/smaps does not say.
inline std::optional<bool> advised_huge_pages(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto target = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream header(line);
    if (header >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= target && target < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return (line + " ").find(" hg ") != std::string::npos;
    }
  }
  return std::nullopt;
}

}  // namespace voronka::testing

#endif  // VORONKA_TESTS_HUGE_PAGES_TESTING_HPP_
