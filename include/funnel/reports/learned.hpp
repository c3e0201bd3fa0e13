// Win rates learned from the file's own history: of the amount open in a stage when a period
// began, how much was won within that period, by where its close date lay (in the period,
// overdue, or later); and the new business won by deals created within a period.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/period.hpp"

namespace funnel {

// Where a deal's close date lies at the start of a period.
enum class CloseBucket { in, overdue, later };
CloseBucket bucket_of(Date close_date, const Period& period);

// How much history a learned forecast needs before it is the default.
inline constexpr int min_learned_periods = 3;
inline constexpr std::int64_t min_learned_closed = 20;
// Periods learned from at most, before the one forecast.
inline constexpr int learned_depth = 24;

struct LearnedRates {
    // Shrunk: r = (w + 2 r_parent) / (n + 2), amounts in units of their currency's median
    // deal; a stage and bucket toward its bucket, a bucket toward all.
    std::map<std::pair<std::int64_t, CloseBucket>, double> by_stage;
    std::map<CloseBucket, double> by_bucket;
    double overall = 0;
    // Per currency: the mean amount won per period by deals created and won within it, over
    // the last `window` periods learned from.
    std::map<std::string, std::int64_t> new_business;
    int periods = 0;          // periods learned from that had deals open at their start
    std::int64_t closed = 0;  // deals closed within them
    bool enough() const { return periods >= min_learned_periods && closed >= min_learned_closed; }
    double rate(std::int64_t stage_id, CloseBucket bucket) const;
};

// Learns the rates of several forecasts in one pass over the deals: each target learns from a
// range of periods, knowing the outcomes a given state of the file knew.
class RateLearner {
  public:
    struct Target {
        std::size_t first = 0;  // the periods learned from: periods[first..last), in order
        std::size_t last = 0;
    };
    RateLearner(std::vector<Period> periods, std::vector<Target> targets, int window);

    // One deal: as the file knew it at the start of each period (`at_start`, nothing before
    // it existed), and as each target knows it (`known`, one per target; nothing when the
    // target's state of the file did not know it yet).
    void add(const std::vector<std::optional<Opportunity>>& at_start,
             const std::vector<const Opportunity*>& known);

    std::vector<LearnedRates> finish() const;

  private:
    struct Sums {
        std::map<std::tuple<std::string, std::int64_t, CloseBucket>, std::pair<double, double>>
            cells;  // (currency, stage, bucket) -> (open amount, won amount)
        std::map<std::pair<std::string, std::size_t>, std::int64_t> new_business;
        std::vector<bool> active;  // periods with a deal open at their start
        std::int64_t closed = 0;
    };
    std::vector<Period> periods_;
    std::vector<Target> targets_;
    int window_;
    std::vector<Sums> sums_;
    std::map<std::string, std::vector<std::int64_t>> amounts_;  // for the median deals
};

}  // namespace funnel
