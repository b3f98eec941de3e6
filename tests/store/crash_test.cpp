// Crash test: no acknowledged event is ever lost, and a store always holds a
// prefix of what was appended.
//
// A child process appends numbered events in sync mode, one small batch at a
// time, and reports each acknowledgement to the parent over a pipe. The
// parent kills it with SIGKILL at a random moment (while it opens, appends or
// syncs), reopens the store, and checks that the store holds exactly the
// events 1..K for some K at least as large as every acknowledged number. The
// next child continues after K.
//
//   store_crash_test [rounds [seed]]
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "voronka/voronka.hpp"
#include "voronka/store.hpp"

namespace {

using voronka::Status;
using voronka::Store;

voronka::v1::Process one_stage_process() {
  return voronka::ProcessBuilder("p", voronka::v1::Process::MANUAL).stage("only").definition();
}

std::string deal_of(uint64_t n) { return fmt::format("D{}", n); }

[[noreturn]] void child(const std::string& path, int ack_fd, uint32_t seed) {
  std::unique_ptr<Store> store;
  voronka::StoreOptions options;  // kSync
  if (Status s = Store::open(path, options, &store); !s) {
    std::fprintf(stderr, "child: %s\n", s.to_string().c_str());
    ::_exit(2);
  }
  if (Status s = store->add_process(one_stage_process()); !s) ::_exit(3);
  std::mt19937 random(seed);
  uint64_t next = store->ledger().stats().events + 1;
  // Ready: what the store holds was acknowledged before.
  const uint64_t held = next - 1;
  if (::write(ack_fd, &held, sizeof(held)) != sizeof(held)) ::_exit(6);
  voronka::BatchResult results;
  while (true) {
    // Mostly small batches; now and then a large one, whose write a kill
    // may cut short.
    std::vector<voronka::v1::Event> batch(random() % 8 == 0 ? 1000 + random() % 3000
                                                           : 1 + random() % 4);
    for (auto& e : batch) {
      e.set_event_id(std::to_string(next));
      e.set_deal(deal_of(next));
      e.set_at(static_cast<int64_t>(next));
      e.mutable_opened()->set_process("p");
      ++next;
    }
    if (Status s = store->append(batch, &results); !s) ::_exit(4);
    for (const auto& r : results) {
      if (r.outcome != voronka::Outcome::kAccepted) ::_exit(5);
    }
    const uint64_t acknowledged = next - 1;
    if (::write(ack_fd, &acknowledged, sizeof(acknowledged)) != sizeof(acknowledged)) ::_exit(6);
  }
}

// Reads acknowledgements until the deadline (or, with no deadline, until the
// pipe closes); returns the highest.
uint64_t read_acks(int fd, uint64_t highest,
                   std::chrono::steady_clock::time_point* deadline) {
  while (true) {
    int timeout = -1;
    if (deadline != nullptr) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return highest;
      timeout = static_cast<int>(left.count());
    }
    struct pollfd p = {fd, POLLIN, 0};
    if (::poll(&p, 1, timeout) <= 0) return highest;
    uint64_t n = 0;
    const ssize_t got = ::read(fd, &n, sizeof(n));
    if (got != sizeof(n)) return highest;  // closed (a whole number is written at once)
    highest = std::max(highest, n);
  }
}

// Waits (until the deadline at most) for one acknowledgement.
uint64_t read_one_ack(int fd, uint64_t highest, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  struct pollfd p = {fd, POLLIN, 0};
  uint64_t n = 0;
  if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) > 0 &&
      ::read(fd, &n, sizeof(n)) == sizeof(n)) {
    highest = std::max(highest, n);
  }
  return highest;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 60;
  const uint32_t seed = argc > 2 ? static_cast<uint32_t>(std::atoll(argv[2]))
                                 : static_cast<uint32_t>(std::random_device()());
  const char* base = std::getenv("TMPDIR");
  std::string dir = std::string(base && *base ? base : "/tmp") + "/voronka-crash-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return 1;
  const std::string path = dir + "/crash.vrk";
  std::mt19937 random(seed);
  uint64_t acknowledged = 0;  // every event up to here was acknowledged
  uint64_t held = 0;          // events the store held after the last kill
  int torn = 0;               // reopens that dropped a torn record
  int failures = 0;
  const auto started = std::chrono::steady_clock::now();

  for (int round = 0; round < rounds && failures == 0; ++round) {
    int fds[2];
    if (::pipe(fds) != 0) return 1;
    const pid_t pid = ::fork();
    if (pid < 0) return 1;
    if (pid == 0) {
      ::close(fds[0]);
      child(path, fds[1], seed + static_cast<uint32_t>(round));
    }
    ::close(fds[1]);
    // Most kills come while the child appends; one in four while it may
    // still be opening the store (replaying, truncating a torn tail).
    if (random() % 4 != 0) {
      auto ready = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      acknowledged = read_one_ack(fds[0], acknowledged, ready);
    }
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(random() % 30'000);
    acknowledged = read_acks(fds[0], acknowledged, &deadline);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    acknowledged = read_acks(fds[0], acknowledged, nullptr);
    ::close(fds[0]);
    if (!WIFSIGNALED(status)) {
      std::fprintf(stderr, "round %d: the child exited with %d before it was killed\n", round,
                   WEXITSTATUS(status));
      ++failures;
      break;
    }

    std::unique_ptr<Store> store;
    voronka::OpenInfo info;
    if (Status s = Store::open(path, {}, &store, &info); !s) {
      std::fprintf(stderr, "round %d: reopening failed: %s\n", round, s.to_string().c_str());
      ++failures;
      break;
    }
    torn += info.dropped_tail_bytes != 0;
    const uint64_t events = store->ledger().stats().events;
    const uint64_t deals = store->ledger().stats().deals;
    voronka::v1::DealState deal;
    bool prefix = deals == events;
    for (uint64_t n = 1; n <= events && prefix; ++n) {
      prefix = static_cast<bool>(store->ledger().find_deal(deal_of(n), &deal));
    }
    if (!prefix || events < acknowledged || events < held) {
      std::fprintf(stderr,
                   "round %d: the store holds %llu events (%llu deals; a prefix: %s), %llu "
                   "were acknowledged and %llu held before\n",
                   round, static_cast<unsigned long long>(events),
                   static_cast<unsigned long long>(deals), prefix ? "yes" : "no",
                   static_cast<unsigned long long>(acknowledged),
                   static_cast<unsigned long long>(held));
      ++failures;
    }
    held = events;
  }

  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::printf("store crash test (seed %u): %d rounds in %lld ms, %llu events held, %llu "
              "acknowledged, %d torn records dropped\n",
              seed, rounds, static_cast<long long>(elapsed.count()),
              static_cast<unsigned long long>(held),
              static_cast<unsigned long long>(acknowledged), torn);
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
