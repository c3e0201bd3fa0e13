#include "funnel/reports/simulate.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "funnel/error.hpp"

using namespace funnel;

namespace {

struct Deal {
    std::int64_t amount;
    int probability;
};

// The exact distribution of the won amount, by enumerating every combination of outcomes.
std::map<std::int64_t, double> exact_distribution(const std::vector<Deal>& deals) {
    std::map<std::int64_t, double> distribution;
    const std::size_t n = deals.size();
    for (std::uint64_t mask = 0; mask < (std::uint64_t(1) << n); ++mask) {
        double p = 1;
        std::int64_t sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double won = deals[i].probability / 100.0;
            if (mask >> i & 1) {
                p *= won;
                sum += deals[i].amount;
            } else {
                p *= 1 - won;
            }
        }
        distribution[sum] += p;
    }
    return distribution;
}

// The smallest value whose cumulative probability reaches q, as OutcomeSimulation defines it.
std::int64_t exact_quantile(const std::map<std::int64_t, double>& distribution, double q) {
    double cumulative = 0;
    for (const auto& [value, p] : distribution) {
        cumulative += p;
        if (cumulative >= q - 1e-12) return value;
    }
    return distribution.rbegin()->first;
}

// P(X < value) and P(X <= value).
std::pair<double, double> cumulative_at(const std::map<std::int64_t, double>& distribution,
                                        std::int64_t value) {
    double below = 0, at = 0;
    for (const auto& [v, p] : distribution) {
        if (v < value) below += p;
        if (v <= value) at += p;
    }
    return {below, at};
}

Outcome simulate(const std::vector<Deal>& deals, std::uint64_t seed,
                 std::int64_t trials = default_trials) {
    OutcomeSimulation simulation(trials, seed);
    for (const auto& deal : deals)
        simulation.add(0, deal.amount, deal.probability);
    return simulation.outcome({0});
}

// A simulated quantile is right when it is within 1 % of the exact one, or, where the
// distribution is so spread that 1 % of value is less than the sampling error, when it is a
// q' quantile of the exact distribution for some q' within one percentage point of q.
// Returns how many quantiles met the first, stricter test.
int check_against_enumeration(const std::vector<Deal>& deals) {
    const auto distribution = exact_distribution(deals);
    int within_one_percent = 0;
    for (std::uint64_t seed : {1, 2, 3, 42, 2026}) {
        const Outcome outcome = simulate(deals, seed);
        const std::pair<int, std::int64_t> simulated[] = {
            {10, outcome.p10}, {50, outcome.p50}, {90, outcome.p90}};
        for (const auto& quantile : simulated) {
            // Named, not bound: CAPTURE takes them in a lambda (clang 14 cannot capture a
            // structured binding).
            const int percent = quantile.first;
            const std::int64_t value = quantile.second;
            const double q = percent / 100.0;
            const std::int64_t exact = exact_quantile(distribution, q);
            const auto cumulative = cumulative_at(distribution, value);
            const auto below = cumulative.first;
            const auto at = cumulative.second;
            CAPTURE(seed);
            CAPTURE(percent);
            CAPTURE(exact);
            CAPTURE(value);
            CAPTURE(below);
            CAPTURE(at);
            if (std::llabs(value - exact) <= std::llabs(exact) / 100)
                ++within_one_percent;
            else
                CHECK((at >= q - 0.01 && below <= q + 0.01));
        }
    }
    return within_one_percent;
}

}  // namespace

TEST_CASE("the same seed gives the same numbers") {
    Random a(7), b(7), c(8);
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next();
        CHECK(x == b.next());
        CHECK(x != c.next());
    }
}

TEST_CASE("quantiles take the smallest value reaching the fraction") {
    const std::vector<std::int64_t> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    CHECK(quantile(values, 10) == 1);
    CHECK(quantile(values, 50) == 5);
    CHECK(quantile(values, 90) == 9);
    CHECK(quantile({42}, 10) == 42);
    CHECK(quantile({}, 50) == 0);
}

TEST_CASE("certain deals are always or never won") {
    const Outcome outcome = simulate({{100, 100}, {50, 0}, {7, 100}}, 1, 1000);
    CHECK(outcome.p10 == 107);
    CHECK(outcome.p90 == 107);
}

TEST_CASE("simulated quantiles match the exact distribution of a small pipeline") {
    CHECK(check_against_enumeration({{1'000'000, 10},
                                     {2'500'000, 25},
                                     {5'000'000, 50},
                                     {7'000'000, 70},
                                     {1'200'000, 40},
                                     {300'000, 90}}) >= 12);
}

TEST_CASE("simulated quantiles match the exact distribution of a varied pipeline") {
    CHECK(check_against_enumeration({{12'000'00, 10},
                                     {30'000'50, 50},
                                     {5'000'00, 40},
                                     {45'000'00, 25},
                                     {8'000'00, 70},
                                     {99'999'99, 15},
                                     {1'500'00, 60},
                                     {20'000'00, 35},
                                     {3'333'33, 80},
                                     {60'000'00, 5},
                                     {7'500'00, 50},
                                     {11'111'11, 45}}) >= 10);
}

TEST_CASE("simulated quantiles match the exact distribution of equal deals") {
    // Ten deals of 1,000 at 30 %: a binomial distribution.
    CHECK(check_against_enumeration(std::vector<Deal>(10, Deal{100'000, 30})) >= 13);
}

TEST_CASE("outcomes of several keys add up trial by trial") {
    OutcomeSimulation simulation(1000, 5);
    simulation.add(0, 100, 100);
    simulation.add(1, 10, 100);
    simulation.add(1, 5, 0);
    const Outcome both = simulation.outcome({0, 1});
    CHECK(both.p10 == 110);
    CHECK(simulation.outcome({1}).p50 == 10);
    CHECK(simulation.outcome({}).p50 == 0);
}

TEST_CASE("trial counts are bounded") {
    CHECK_THROWS_AS(OutcomeSimulation(0, 1), Error);
    CHECK_THROWS_AS(OutcomeSimulation(max_trials + 1, 1), Error);
    OutcomeSimulation simulation(max_trials, 1);
    CHECK_THROWS_AS(simulation.add(std::size_t(max_simulated_values / max_trials), 1, 50), Error);
}
