#include "funnel/reports/learned.hpp"

#include <algorithm>

#include "funnel/domain/money.hpp"

namespace funnel {

CloseBucket bucket_of(Date close_date, const Period& period) {
    if (close_date < period.first) return CloseBucket::overdue;
    if (close_date > period.last) return CloseBucket::later;
    return CloseBucket::in;
}

double LearnedRates::rate(std::int64_t stage_id, CloseBucket bucket) const {
    if (auto found = by_stage.find({stage_id, bucket}); found != by_stage.end())
        return found->second;
    if (auto found = by_bucket.find(bucket); found != by_bucket.end()) return found->second;
    return overall;
}

RateLearner::RateLearner(std::vector<Period> periods, std::vector<Target> targets, int window)
    : periods_(std::move(periods)), targets_(std::move(targets)), window_(window) {
    sums_.resize(targets_.size());
    for (auto& sums : sums_)
        sums.active.assign(periods_.size(), false);
}

void RateLearner::add(const std::vector<std::optional<Opportunity>>& at_start,
                      const std::vector<const Opportunity*>& known) {
    for (const auto& deal : at_start)
        if (deal) {
            amounts_[std::string(deal->amount.currency.code())].push_back(deal->amount.minor);
            break;
        }
    for (std::size_t t = 0; t < targets_.size(); ++t) {
        const Opportunity* outcome = known[t];
        if (!outcome) continue;
        auto& sums = sums_[t];
        const auto& target = targets_[t];
        const std::string currency(outcome->amount.currency.code());
        for (std::size_t q = target.first; q < target.last; ++q) {
            const Period& period = periods_[q];
            const bool closed_within =
                !outcome->is_open() && outcome->closed_at && period.contains(*outcome->closed_at);
            const bool won_within = closed_within && outcome->state == StageState::won;
            const auto& start = at_start[q];
            if (start && start->is_open()) {
                sums.active[q] = true;
                auto& cell = sums.cells[{std::string(start->amount.currency.code()),
                                         start->stage_id, bucket_of(start->close_date, period)}];
                cell.first += double(start->amount.minor);
                if (won_within) cell.second += double(start->amount.minor);
                if (closed_within) ++sums.closed;
            } else if (!start && won_within) {
                // Created within the period and won there: new business.
                const auto created = date_of(outcome->created_at);
                if (created && period.contains(*created))
                    add_to(sums.new_business[{currency, q}], outcome->amount.minor,
                           "the new business of a period");
            }
        }
    }
}

std::vector<LearnedRates> RateLearner::finish() const {
    std::map<std::string, double> median;
    for (auto [currency, amounts] : amounts_) {
        std::nth_element(amounts.begin(), amounts.begin() + amounts.size() / 2, amounts.end());
        median[currency] = std::max<double>(1, double(amounts[amounts.size() / 2]));
    }
    std::vector<LearnedRates> all;
    for (std::size_t t = 0; t < targets_.size(); ++t) {
        const auto& sums = sums_[t];
        const auto& target = targets_[t];
        LearnedRates rates;
        rates.closed = sums.closed;
        for (std::size_t q = target.first; q < target.last; ++q)
            rates.periods += sums.active[q] ? 1 : 0;
        // Amounts in units of their currency's median deal, so that currencies pool fairly.
        std::map<std::pair<std::int64_t, CloseBucket>, std::pair<double, double>> by_stage;
        std::map<CloseBucket, std::pair<double, double>> by_bucket;
        std::pair<double, double> all_sums{0, 0};
        for (const auto& [key, cell] : sums.cells) {
            const auto& [currency, stage, bucket] = key;
            const double scale = median.count(currency) ? median.at(currency) : 1;
            const std::pair<double, double> scaled{cell.first / scale, cell.second / scale};
            for (auto* sum : {&by_stage[{stage, bucket}], &by_bucket[bucket], &all_sums}) {
                sum->first += scaled.first;
                sum->second += scaled.second;
            }
        }
        rates.overall = all_sums.first > 0 ? all_sums.second / all_sums.first : 0;
        for (const auto& [bucket, sum] : by_bucket)
            rates.by_bucket[bucket] = (sum.second + 2 * rates.overall) / (sum.first + 2);
        for (const auto& [key, sum] : by_stage)
            rates.by_stage[key] = (sum.second + 2 * rates.by_bucket[key.second]) / (sum.first + 2);
        // New business: the mean over the last `window` periods learned from.
        const std::size_t from =
            target.last > std::size_t(window_) ? target.last - std::size_t(window_) : 0;
        const std::size_t first = std::max(from, target.first);
        const auto count = std::int64_t(target.last - first);
        std::map<std::string, std::int64_t> totals;
        for (const auto& [key, amount] : sums.new_business)
            if (key.second >= first && key.second < target.last)
                add_to(totals[key.first], amount, "the new business of the window");
        if (count > 0)
            for (const auto& [currency, total] : totals)
                rates.new_business[currency] = (total * 2 + count) / (count * 2);
        all.push_back(std::move(rates));
    }
    return all;
}

}  // namespace funnel
