// Deals' histories rebuilt from another CRM's records, for import history.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/history.hpp"
#include "funnel/domain/history_rebuild.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/opportunity.hpp"

namespace funnel {

class Store;

// Reads and rewrites histories deal by deal, in a transaction the caller holds, each statement
// prepared once.
class HistoryWriter {
  public:
    explicit HistoryWriter(Store& store);
    HistoryWriter(const HistoryWriter&) = delete;
    HistoryWriter& operator=(const HistoryWriter&) = delete;
    ~HistoryWriter();

    struct Found {
        std::int64_t id = 0;
        Currency currency;
    };
    // The deal another system knew by this id (its external id), else, for digits, the deal
    // of that id in this file.
    std::optional<Found> find(const std::string& key, bool or_by_id);

    // Keeps a deal's snapshot aside, in a temporary table of this connection (never in the data
    // file): memory stays flat however long the file.
    void stage(std::int64_t deal_id, const Snapshot& snapshot);
    // The snapshots kept, deal by deal in id order, each deal's by moment then row; then forgets
    // them.
    void for_each_staged(
        const std::function<void(std::int64_t deal_id, const std::vector<Snapshot>&)>& visit);

    Opportunity deal(std::int64_t id);
    // Its changes in the order they were recorded.
    std::vector<DealChange> changes_of(std::int64_t id);
    // Removes and adds the changes, and moves the deal's creation and stage entry as the
    // rebuild says; `note` goes with each change added.
    void apply(const Opportunity& deal, const HistoryRebuild& rebuild, const std::string& note);

    // Before writing about `changes` changes: a larger page cache, and when that is more than the
    // file holds, the history's indexes that a rebuild does not read are dropped, and built again
    // by finish() in one pass each (see DealWriter::begin_bulk).
    void expect(std::int64_t changes);
    // Before committing.
    void finish();

  private:
    struct Statements;
    std::unique_ptr<Statements> statements_;
    Store& store_;
};

}  // namespace funnel
