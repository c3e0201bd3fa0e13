// The range of outcomes of open deals: Monte Carlo trials in which each deal is won with its
// probability, independently of the others. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <vector>

namespace funnel {

// xoshiro256** seeded through splitmix64: the same numbers on every platform for a seed.
class Random {
  public:
    explicit Random(std::uint64_t seed);
    std::uint64_t next();

  private:
    std::uint64_t state_[4];
};

struct Outcome {
    std::int64_t p10 = 0;
    std::int64_t p50 = 0;
    std::int64_t p90 = 0;
};

// The q-quantile of sorted values: the smallest value v with at least q of them ≤ v.
std::int64_t quantile(const std::vector<std::int64_t>& sorted, int percent);

inline constexpr std::int64_t default_trials = 10'000;
inline constexpr std::int64_t max_trials = 1'000'000;
// Keys × trials kept in memory at most (8 bytes each).
inline constexpr std::int64_t max_simulated_values = 16'000'000;

class OutcomeSimulation {
  public:
    // Throws Error(invalid) for trials outside 1..max_trials.
    OutcomeSimulation(std::int64_t trials, std::uint64_t seed);

    // Adds a deal to the outcome numbered `key`: in each trial it is won, and its amount
    // counted, with probability / 100. Deals must come in a fixed order for the seed to
    // reproduce the result. Throws Error(invalid) when too many keys would be kept.
    void add(std::size_t key, std::int64_t amount, int probability);

    // The quantiles of the summed outcomes of `keys`, trial by trial (a trial is one possible
    // world for every deal).
    Outcome outcome(const std::vector<std::size_t>& keys) const;

  private:
    std::int64_t trials_;
    Random random_;
    std::vector<std::vector<std::int64_t>> sums_;
};

}  // namespace funnel
