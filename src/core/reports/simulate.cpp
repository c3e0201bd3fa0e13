#include "funnel/reports/simulate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/money.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}
}  // namespace

Random::Random(std::uint64_t seed) {
    for (auto& word : state_)
        word = splitmix64(seed);
}

std::uint64_t Random::next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
}

std::int64_t quantile(const std::vector<std::int64_t>& sorted, int percent) {
    if (sorted.empty()) return 0;
    // The smallest index i with (i + 1) / n >= percent / 100.
    const std::size_t n = sorted.size();
    std::size_t rank = (n * std::size_t(percent) + 99) / 100;
    if (rank == 0) rank = 1;
    return sorted[rank - 1];
}

OutcomeSimulation::OutcomeSimulation(std::int64_t trials, std::uint64_t seed)
    : trials_(trials), random_(seed) {
    if (trials < 1 || trials > max_trials)
        throw invalid_input(fmt::format("expected 1 to {} trials", max_trials));
}

void OutcomeSimulation::add(std::size_t key, std::int64_t amount, int probability) {
    if (key >= sums_.size()) {
        if (std::int64_t(key + 1) * trials_ > max_simulated_values)
            throw invalid_input(fmt::format(
                "too many rows to simulate with {} trials; narrow the report or lower --trials",
                trials_));
        sums_.resize(key + 1);
    }
    auto& sums = sums_[key];
    if (sums.empty()) sums.assign(std::size_t(trials_), 0);
    if (probability <= 0 || amount == 0) return;
    if (probability >= 100) {
        for (auto& sum : sums)
            add_to(sum, amount, "a simulated outcome");
        return;
    }
    // Won when a uniform 64-bit number falls below probability / 100 of the range.
    const std::uint64_t threshold = (~std::uint64_t(0) / 100) * std::uint64_t(probability);
    for (auto& sum : sums)
        if (random_.next() < threshold) add_to(sum, amount, "a simulated outcome");
}

Outcome OutcomeSimulation::outcome(const std::vector<std::size_t>& keys) const {
    std::vector<std::int64_t> totals(std::size_t(trials_), 0);
    for (std::size_t key : keys) {
        if (key >= sums_.size() || sums_[key].empty()) continue;
        for (std::size_t t = 0; t < totals.size(); ++t)
            add_to(totals[t], sums_[key][t], "a simulated outcome");
    }
    std::sort(totals.begin(), totals.end());
    return {quantile(totals, 10), quantile(totals, 50), quantile(totals, 90)};
}

}  // namespace funnel
