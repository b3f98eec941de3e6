// The earliest and latest opening time of each block of consecutive deals:
// a block range index (a zone map), with which a scan for a period or an
// as_of time skips every block that cannot hold a deal it wants.
//
// Deals are numbered in the order their first events arrive. A live system
// or an export sends events roughly in time order, so a block spans a short
// stretch of time: a report on the deals created in one year of many reads
// that year's blocks only, one on the deals closed or active in it the
// blocks up to the year's end, and one as of a past date the blocks up to
// it. Deals that arrive out of order (a backfill of old deals) widen their
// own blocks and cost nothing else.
//
// Derived from the deals' opening times: kept on append, rebuilt on load.
#ifndef VORONKA_LEDGER_OPENED_BLOCKS_HPP_
#define VORONKA_LEDGER_OPENED_BLOCKS_HPP_

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace voronka::ledger {

class OpenedBlocks {
 public:
  // Small enough to skip at the edges of a period, large enough that the
  // index is 16 bytes per 1024 deals.
  static constexpr uint32_t kDeals = 1024;

  struct Block {
    int64_t earliest;
    int64_t latest;
  };

  // The next deal was opened at `opened_at`.
  void add(int64_t opened_at) {
    if (deals_ % kDeals == 0) {
      blocks_.push_back({opened_at, opened_at});
    } else {
      Block& block = blocks_.back();
      block.earliest = std::min(block.earliest, opened_at);
      block.latest = std::max(block.latest, opened_at);
    }
    ++deals_;
  }

  // Makes room for `deals` deals in all.
  void reserve(size_t deals) { blocks_.reserve((deals + kDeals - 1) / kDeals); }

  // Rebuilds the index from every deal's opening time.
  void assign(std::span<const int64_t> opened_at) {
    blocks_.clear();
    deals_ = 0;
    reserve(opened_at.size());
    for (int64_t at : opened_at) add(at);
  }

  // Block b holds deals [b * kDeals, (b + 1) * kDeals).
  const Block& block(uint32_t b) const { return blocks_[b]; }
  size_t size() const { return blocks_.size(); }
  size_t memory_bytes() const { return blocks_.capacity() * sizeof(Block); }

 private:
  std::vector<Block> blocks_;
  uint64_t deals_ = 0;
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_OPENED_BLOCKS_HPP_
