// A progress bar on stderr, drawn only when stderr is a terminal.
#ifndef VORONKA_CLI_PROGRESS_HPP_
#define VORONKA_CLI_PROGRESS_HPP_

#include <chrono>
#include <cstdint>
#include <string>

namespace voronka::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  // finishes the line

  // Redraws for `done` of `total`, at most every tenth of a second.
  void update(uint64_t done, uint64_t total);

 private:
  void draw(uint64_t done, uint64_t total);

  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace voronka::cli

#endif  // VORONKA_CLI_PROGRESS_HPP_
