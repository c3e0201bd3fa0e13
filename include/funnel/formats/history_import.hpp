// Importing the stage history of deals from another CRM (import history): each row is a
// snapshot of a deal at a moment; a deal's snapshots, in time order, become its history.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "funnel/domain/history_rebuild.hpp"
#include "funnel/formats/import.hpp"
#include "funnel/store/history_writer.hpp"
#include "funnel/system/timezone.hpp"

namespace funnel {

// What a column of a history file gives.
enum class HistoryField {
    opportunity,  // the deal: its id in the other CRM (external id), or funnel's id
    at,           // when the other CRM recorded the snapshot
    stage,
    amount,
    currency,
    close_date,
    probability,
    category,
    deleted,  // Salesforce's IsDeleted: such rows are left out
    ignore,
};
std::string_view to_string(HistoryField field);
HistoryField parse_history_field(std::string_view text);  // throws Error(invalid)

struct HistorySettings {
    Preset preset = Preset::generic;
    std::vector<std::pair<std::string, HistoryField>> maps;      // --map COLUMN=FIELD
    std::vector<std::pair<std::string, std::string>> stage_map;  // --stage-map FOREIGN=STAGE
    std::string date_format;                                     // empty: YYYY-MM-DD
};

struct HistoryPlan {
    std::vector<std::string> header;
    std::vector<HistoryField> fields;  // one per column
    std::optional<std::size_t> column_of(HistoryField field) const;
};

// Reads the header against the preset and --map. Columns a CRM preset does not know are left
// out (its exports carry many); the generic preset refuses them, as import opportunities does.
// Throws Error(invalid) without an opportunity or moment column, or a field given twice.
HistoryPlan plan_history_columns(const std::vector<std::string>& header,
                                 const HistorySettings& settings);

struct HistoryCounts {
    std::int64_t rows = 0;
    std::int64_t deleted = 0;               // rows the other CRM marked deleted
    std::int64_t unknown_rows = 0;          // rows of deals this file does not hold
    std::int64_t deals = 0;                 // deals with snapshots
    std::int64_t rebuilt = 0;               // of them, whose history changed
    std::int64_t added = 0;                 // changes written
    std::int64_t removed = 0;               // changes they replaced
    std::vector<std::string> unknown_keys;  // the first few
    std::int64_t unknown_deals = 0;
};

// What importing did, or would do, to one deal.
struct HistoryAction {
    std::int64_t id = 0;
    std::string name;
    std::int64_t snapshots = 0;
    std::int64_t added = 0;
    std::int64_t removed = 0;
};

// Reads the rows (add), then rebuilds each deal's history (finish), in a transaction the caller
// holds and commits only when no row had an error. The rows wait in a temporary table
// (HistoryWriter::stage), not in memory.
class HistoryImport {
  public:
    // With a zone, the file's times are UTC and become the zone's local times.
    HistoryImport(Store& store, const HistoryPlan& plan, const HistorySettings& settings,
                  const ZoneClock* zone, std::string note);

    // Reads one row; its problems go to `errors`.
    void add(std::int64_t row, const std::vector<std::string>& cells,
             std::vector<CellError>& errors);
    // Rebuilds the histories; `visit` sees each deal whose history changes.
    void finish(const std::function<void(const HistoryAction&)>& visit);

    const HistoryCounts& counts() const { return counts_; }

  private:
    struct DealRef {
        std::int64_t id = 0;  // 0: not in this file
        Currency currency;
    };
    int deal_index(const std::string& key);

    const HistoryPlan& plan_;
    const HistorySettings& settings_;
    const ZoneClock* zone_;
    std::string note_;
    HistoryWriter writer_;
    StageMatcher stages_;
    Currency default_currency_;
    std::unordered_map<std::string, int> keys_;
    std::vector<DealRef> deals_;
    std::int64_t staged_ = 0;
    SnapshotFields fields_;
    HistoryCounts counts_;
};

}  // namespace funnel
