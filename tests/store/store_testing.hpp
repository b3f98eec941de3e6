// Helpers for the store's tests: temporary directories, file surgery, sample
// events and ledger comparison.
#ifndef VORONKA_TESTS_STORE_STORE_TESTING_HPP_
#define VORONKA_TESTS_STORE_STORE_TESTING_HPP_

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ledger/access.hpp"
#include "store/file.hpp"
#include "store/format.hpp"
#include "store/log_reader.hpp"
#include "voronka/voronka.hpp"
#include "voronka/store.hpp"

namespace voronka::testing {

// A fresh directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/voronka-store-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Where each record of a log starts and how long it is (frame included).
struct RecordSpan {
  uint64_t offset;
  uint64_t size;
};
inline std::vector<RecordSpan> record_spans(const std::string& path) {
  store::File file;
  EXPECT_TRUE(store::File::open(path, store::File::Mode::kRead, &file));
  uint64_t size = 0, start = 0;
  EXPECT_TRUE(file.size(&size));
  v1::StoreHeader header;
  EXPECT_TRUE(store::read_log_header(file, size, &header, &start));
  store::LogReader reader(file, start, size, 1);
  std::vector<RecordSpan> spans;
  while (true) {
    store::LogReader::Frame frame;
    bool more = false;
    EXPECT_TRUE(reader.next(&frame, &more));
    if (!more) break;
    spans.push_back({frame.offset, frame.bytes.size()});
  }
  return spans;
}

inline v1::Event event(const std::string& id, const std::string& deal, int64_t at) {
  v1::Event e;
  e.set_event_id(id);
  e.set_deal(deal);
  e.set_at(at);
  return e;
}

inline v1::Event opened(const std::string& id, const std::string& deal, int64_t at,
                        const std::string& process = "typical_sale", int64_t amount = 1000) {
  v1::Event e = event(id, deal, at);
  e.mutable_opened()->set_process(process);
  e.mutable_opened()->set_owner("anna");
  e.mutable_opened()->set_client("acme");
  e.mutable_opened()->set_amount(amount);
  return e;
}

inline v1::Event entered(const std::string& id, const std::string& deal, int64_t at,
                         const std::string& stage) {
  v1::Event e = event(id, deal, at);
  e.mutable_entered()->set_stage(stage);
  return e;
}

// Events of every kind and shape the log encodes: numeric and text ids, a
// repeated stage, opened events with a field and with a field whose key is
// empty, amounts, an activity kind without a name, a reopened deal. (An
// opened event with several fields is interned in protobuf map order, which
// varies from run to run, so the tests that compare ledgers id for id leave
// those out.)
inline std::vector<v1::Event> every_kind_of_event() {
  std::vector<v1::Event> events;
  v1::Event e = opened("1", "D-1", 1000);
  (*e.mutable_opened()->mutable_fields())["region"] = "north";
  events.push_back(e);
  events.push_back(entered("2", "D-1", 1000, "evaluation"));  // the current stage again
  events.push_back(entered("3", "D-1", 2000, "preparation"));
  e = event("e-4", "D-1", 3000);
  e.mutable_field_set()->set_key("budget");
  e.mutable_field_set()->set_value("500");
  events.push_back(e);
  e = event("5", "D-1", 3000);
  e.mutable_activity()->set_kind(v1::Activity::CALL);
  events.push_back(e);
  e = event("6", "D-1", 4000);
  e.mutable_amount_changed()->set_amount(900);
  events.push_back(e);
  e = event("7", "D-1", 4000);
  e.mutable_owner_changed()->set_owner("boris");
  events.push_back(e);
  e = event("8", "D-1", 5000);
  e.mutable_frozen();
  events.push_back(e);
  e = event("9", "D-1", 6000);
  e.mutable_resumed();
  events.push_back(e);
  e = event("10", "D-1", 7000);
  e.mutable_lost()->set_reason("price");
  events.push_back(e);
  e = event("11", "D-1", 8000);
  e.mutable_reopened();
  events.push_back(e);
  e = opened("12", "D-2", 1500, "manual_sale", 0);
  e.mutable_opened()->set_stage("proposal");
  (*e.mutable_opened()->mutable_fields())["region"] = "south";
  events.push_back(e);
  e = event("13", "D-2", 2500);
  e.mutable_won()->set_amount(5000);
  events.push_back(e);
  e = event("ид-14", "D-3", -86'400'000);  // before the epoch, a text id
  e.mutable_opened()->set_process("manual_sale");
  events.push_back(e);
  e = event("15", "D-3", 9'000'000'000'000);
  e.mutable_activity()->set_kind(static_cast<v1::Activity::Kind>(7));
  events.push_back(e);
  e = event("16", "D-3", 9'000'000'000'001);
  e.mutable_won();
  events.push_back(e);
  e = event("18446744073709551615", "D-3", 9'000'000'000'002);  // the largest numeric id
  e.mutable_reopened()->set_stage("evaluation");
  events.push_back(e);
  e = opened("0", "D-4", 100);
  (*e.mutable_opened()->mutable_fields())[""] = "ignored";
  events.push_back(e);
  return events;
}

// Adds the generator's two processes.
template <typename Target>
void add_generator_processes(Target& target) {
  for (const auto& process : generator_processes()) ASSERT_TRUE(target.add_process(process));
}

inline void expect_all_accepted(const BatchResult& results) {
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].outcome, Outcome::kAccepted)
        << "event " << i << ": " << results[i].status.to_string();
  }
}

// Two ledgers hold the same deals with the same histories, down to the ids
// they interned.
inline void expect_same_ledger(const Ledger& a, const Ledger& b) {
  ledger::Reader ra(a), rb(b);
  const ledger::State& x = ra.state();
  const ledger::State& y = rb.state();
  auto same_interner = [](const ledger::Interner& p, const ledger::Interner& q) {
    ASSERT_EQ(p.size(), q.size());
    for (uint32_t id = 0; id < p.size(); ++id) ASSERT_EQ(p.str(id), q.str(id));
  };
  same_interner(x.deal_keys, y.deal_keys);
  same_interner(x.owners, y.owners);
  same_interner(x.clients, y.clients);
  same_interner(x.reasons, y.reasons);
  same_interner(x.field_keys, y.field_keys);
  same_interner(x.field_values, y.field_values);
  ASSERT_EQ(x.catalog.version_count(), y.catalog.version_count());
  const auto& d = x.deals;
  const auto& e = y.deals;
  ASSERT_EQ(d.size(), e.size());
  for (size_t deal = 0; deal < d.size(); ++deal) {
    ASSERT_EQ(d.version[deal], e.version[deal]);
    ASSERT_EQ(d.status[deal], e.status[deal]);
    ASSERT_EQ(d.stage[deal], e.stage[deal]);
    ASSERT_EQ(d.owner[deal], e.owner[deal]);
    ASSERT_EQ(d.client[deal], e.client[deal]);
    ASSERT_EQ(d.amount[deal], e.amount[deal]);
    ASSERT_EQ(d.opened_at[deal], e.opened_at[deal]);
    ASSERT_EQ(d.stage_since[deal], e.stage_since[deal]);
    ASSERT_EQ(d.closed_at[deal], e.closed_at[deal]);
    ASSERT_EQ(d.entered[deal], e.entered[deal]);
    ASSERT_EQ(d.reentries[deal], e.reentries[deal]);
    const auto id = static_cast<uint32_t>(deal);
    ASSERT_TRUE(std::ranges::equal(x.timelines.times(id), y.timelines.times(id)));
    ASSERT_TRUE(std::ranges::equal(x.timelines.codes(id), y.timelines.codes(id)));
  }
  ASSERT_EQ(x.previous_amounts, y.previous_amounts);
  ASSERT_EQ(x.field_changes.size(), y.field_changes.size());
  for (size_t i = 0; i < x.field_changes.size(); ++i) {
    ASSERT_EQ(x.field_changes[i].key, y.field_changes[i].key);
    ASSERT_EQ(x.field_changes[i].previous, y.field_changes[i].previous);
  }
  ASSERT_EQ(x.fields, y.fields);
  ASSERT_EQ(x.opened_blocks.size(), y.opened_blocks.size());
  for (uint32_t b = 0; b < x.opened_blocks.size(); ++b) {
    ASSERT_EQ(x.opened_blocks.block(b).earliest, y.opened_blocks.block(b).earliest) << "block " << b;
    ASSERT_EQ(x.opened_blocks.block(b).latest, y.opened_blocks.block(b).latest) << "block " << b;
  }
  ASSERT_EQ(x.events.size(), y.events.size());
  ASSERT_EQ(x.accepted_events, y.accepted_events);
  ASSERT_EQ(x.latest_at, y.latest_at);
}

}  // namespace voronka::testing

#endif  // VORONKA_TESTS_STORE_STORE_TESTING_HPP_
