// Reports that look back: performance, slipped and stale deals, stage conversion, and the
// stage probabilities that history supports.
#pragma once

#include <optional>
#include <vector>

#include "funnel/domain/stage.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

// Each report keeps to the deals of its scope (--owner, --type, --currency, --where), as they are
// now.

// Over deals closed from `from` to `to`, per currency (and group): won and lost counts and
// amounts, win rates by count and value, average won deal, average sales cycle (created to
// closed, won deals) and pipeline velocity = live open deals (neither overdue nor stale on
// `today`) × average won × win rate / cycle days.
Report performance_report(Store& store, const ReportScope& scope, Date from, Date to,
                          DealField group, Date today);

// Deals whose close date moved later: without a range, every deal whose current close date is
// after its first one; with a range, the deals that "slipped out of" it: their close date was
// inside it at its start and is now after it.
struct SlipRange {
    Date from;
    Date to;
};
Report slipped_report(Store& store, const ReportScope& scope, std::optional<SlipRange> range);

// Open deals without a change or activity for `days` days (by default each stage's own threshold),
// the longest idle first.
Report stale_report(Store& store, const ReportScope& scope, Date today, std::optional<int> days);

// Per stage: deals that entered it (in the range, by the day they entered), how many moved on
// to a later open stage, were won or lost afterwards, the median days spent in it, the observed
// win rate beside the configured probability; the total row adds the Brier score of the
// probabilities deals closed in the range had before they closed.
// A deal that passes through a stage in less than `min_dwell_seconds` (clicked through on the
// way to another) does not count as having entered it.
inline constexpr std::int64_t default_min_dwell_seconds = 3600;
// The Brier score rates the probability deals had `lead_days` before they closed (a forecast
// made then; deals younger than that are not scored), or just before they closed with 0.
inline constexpr int default_lead_days = 7;
Report conversion_report(Store& store, const ReportScope& scope, std::optional<Date> from,
                         std::optional<Date> to,
                         std::int64_t min_dwell_seconds = default_min_dwell_seconds,
                         int lead_days = default_lead_days);

// For each open stage, the probability history supports: the observed win rate of the deals
// that entered it (for `min_dwell_seconds` at least) and closed from `from` to `to`, shrunk
// toward the configured probability as if `prior_weight` more deals had closed at that rate;
// stages with fewer than `min_deals` closed deals keep theirs. With a 90 % interval of the
// observed rate (Wilson's).
inline constexpr int calibration_prior_weight = 5;
struct CalibrationQuery {
    int min_deals = 10;
    std::optional<Date> from, to;
    std::int64_t min_dwell_seconds = default_min_dwell_seconds;
};
struct Calibration {
    Stage stage;
    std::int64_t closed = 0;
    std::int64_t won = 0;
    int proposed = 0;
};
std::vector<Calibration> calibrate_stages(Store& store, const CalibrationQuery& query);
Table calibration_table(const std::vector<Calibration>& calibrations);

}  // namespace funnel
