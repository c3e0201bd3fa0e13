// What the reports ask of the data file: the database aggregates, in integer minor units;
// nothing is loaded deal by deal except for simulation.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/store/deal_store.hpp"

namespace funnel {

struct Connection;

// The field report rows are grouped by.
enum class DealField { none, stage, owner, type, org, source };

// The open deals a forecast counts: those closing from `first` to `last` but not before `today`,
// and with `with_overdue` also every deal whose close date is before `today`.
struct OpenWindow {
    Date first;
    Date last;
    Date today;
    bool with_overdue = false;
};

// Sums of amounts converted into the scope's `in` currency, each deal's rounded once; weighted:
// of the converted amounts, as weighted_minor rounds them.
struct Converted {
    std::int64_t amount = 0;
    std::int64_t weighted = 0;
};

// Open deals by currency, close date, group and stage. Aggregating by day lets the database
// read its (state, close_date, currency, stage_id, ...) index in order, without sorting.
struct OpenAggregate {
    std::string currency;
    Date close_date;
    std::optional<std::string> group;
    std::int64_t stage_id = 0;
    std::int64_t count = 0;
    std::int64_t amount = 0;                   // minor units
    std::int64_t weighted = 0;                 // the sum of the deals' weighted amounts
    std::optional<ForecastCategory> category;  // the deals' own, when they have one
    // With a converter in the scope: the amounts and weighted amounts converted, deal by deal.
    Converted converted;
};

// Won and lost deals by currency, the day they closed, group and state.
struct ClosedAggregate {
    std::string currency;
    Date closed_at;
    std::optional<std::string> group;
    StageState state = StageState::won;
    std::int64_t count = 0;
    std::int64_t amount = 0;
    Converted converted;  // at the rate of the day they closed
};

struct OpenDeal {
    std::string currency;
    Date close_date;
    std::optional<std::string> group;
    std::int64_t stage_id = 0;
    std::int64_t amount = 0;
    int probability = 0;
    std::optional<ForecastCategory> category;  // its own, when it has one
    Converted converted;
};

// Open deals by currency and stage, with the days since each entered its stage.
struct StageAggregate {
    std::string currency;
    std::int64_t stage_id = 0;
    std::int64_t count = 0;
    std::int64_t amount = 0;
    std::int64_t weighted = 0;
    std::int64_t age_days = 0;  // sum of days in stage
    Converted converted;
};

// Won and lost deals of a period by currency and group, with the days from creation to close.
struct PerformanceAggregate {
    std::string currency;
    std::optional<std::string> group;
    std::int64_t won = 0;
    std::int64_t won_amount = 0;
    std::int64_t lost = 0;
    std::int64_t lost_amount = 0;
    std::int64_t won_cycle_days = 0;  // sum over won deals of days from created to closed
    Converted converted_won, converted_lost;
};

struct OpenCount {
    std::string currency;
    std::optional<std::string> group;
    std::int64_t count = 0;
};

class ReportQueries {
  public:
    explicit ReportQueries(Connection& connection) : connection_(&connection) {}

    void aggregate_open_deals(const OpenWindow& window, DealField group, const ReportScope& scope,
                              const std::function<void(const OpenAggregate&)>& visit);
    // Deals that closed from `first` to `last`.
    void aggregate_closed_deals(Date first, Date last, DealField group, const ReportScope& scope,
                                const std::function<void(const ClosedAggregate&)>& visit);
    // The open deals aggregate_open_deals counts, one by one, in id order.
    void for_each_open_deal(const OpenWindow& window, DealField group, const ReportScope& scope,
                            const std::function<void(const OpenDeal&)>& visit);
    std::vector<StageAggregate> aggregate_open_by_stage(Date today, const ReportScope& scope);

    // How many deals closed from `first` to `last`, as the file holds them now.
    std::int64_t count_closed(Date first, Date last);

    std::vector<PerformanceAggregate> aggregate_performance(Date from, Date to, DealField group,
                                                            const ReportScope& scope);
    // Open deals that are live on `today`: not overdue, and not stale (touched, or one of their
    // activities, within their stage's stale days), as velocity counts them.
    std::vector<OpenCount> count_live_deals(DealField group, Date today, const ReportScope& scope);
    // Open deals, the least recently touched first: by their last change or the last change of
    // one of their activities.
    void for_each_open_deal_by_last_touch(
        const ReportScope& scope,
        const std::function<void(const Opportunity&, const Timestamp& touched)>& visit);

  private:
    Connection* connection_;
};

}  // namespace funnel
