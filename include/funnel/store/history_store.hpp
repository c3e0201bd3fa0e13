// The record of every change of every deal, as people read it and as the look-back reports
// replay it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/history.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/store/deal_store.hpp"

namespace funnel {

struct Connection;

struct HistoryEntry {
    std::int64_t id = 0;
    std::int64_t opp_id = 0;
    Timestamp changed_at;   // when it happened
    Timestamp recorded_at;  // when the file learned of it
    std::string field;
    // As people read them: stage, organization and contact by name.
    std::optional<std::string> old_value;
    std::optional<std::string> new_value;
    std::string note;
};

class HistoryStore {
  public:
    explicit HistoryStore(Connection& connection) : connection_(&connection) {}

    // A deal's changes, in the order they were recorded.
    std::vector<HistoryEntry> of(std::int64_t opp_id);

    // Every deal in the scope with its recorded changes (in the order recorded), in id order; the
    // deals and their history are read side by side, never all at once. Each part names the changes
    // to read: of one field, or recorded after a moment (what undoing to it needs), or both; no
    // parts, all.
    struct Part {
        std::optional<std::string> field;
        std::optional<Timestamp> after;
        bool closed_deals_only = false;
    };
    using Filter = std::vector<Part>;
    void for_each_deal(
        const ReportScope& scope, const Filter& filter,
        const std::function<void(const Opportunity&, const std::vector<DealChange>&)>& visit);

  private:
    Connection* connection_;
};

}  // namespace funnel
