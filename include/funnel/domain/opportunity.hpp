// An opportunity (deal): a possible sale being worked on, and the rules that change it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/date.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/stage.hpp"

namespace funnel {

enum class DealType { new_business, existing_business };
std::string_view to_string(DealType type);  // "new", "existing"
DealType parse_deal_type(std::string_view text);

struct Opportunity {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> org_id;
    std::string org;
    std::optional<std::int64_t> contact_id;
    std::string contact;
    Money amount;
    // No amount yet (an import's blank cell): `amount` is 0, and counts in no sum.
    bool no_amount = false;
    Date close_date;
    std::int64_t stage_id = 0;
    std::string stage;
    StageState state = StageState::open;
    // The forecast category the deal counts in: its own when set (opp edit --category), else
    // its stage's.
    ForecastCategory category = ForecastCategory::pipeline;
    std::optional<ForecastCategory> own_category;
    int probability = 0;
    DealType type = DealType::new_business;
    std::string next_step;
    std::string description;
    std::string owner;
    std::string source;
    Timestamp created_at;
    Timestamp updated_at;
    Timestamp stage_changed_at;
    std::optional<Date> closed_at;
    std::string lost_reason;
    // Its id in the system it was imported from; never changes once set.
    std::string external_id;
    // Its tags (checked_tag), sorted, each once.
    std::vector<std::string> tags;
    // Its custom fields' values (canonical_field_value), in the fields' order.
    std::vector<FieldValue> fields;

    std::int64_t weighted_minor() const {
        return funnel::weighted_minor(amount.minor, probability);
    }
    bool is_open() const { return state == StageState::open; }
};

// Puts a new deal in its first stage: the stage default probability unless one is given;
// a deal recorded as already won or lost gets 100 or 0 and closed on its close date. When that
// day comes before the deal's creation (a past deal recorded now), the deal is taken as created
// that day, and true is returned.
bool enter_first_stage(Opportunity& deal, const Stage& stage, std::optional<int> probability);

// Records the day a won or lost deal closed: it is also its close date (the expected date
// stays in the history), so that every list, calendar and report puts the deal in the same
// period. Throws Error(invalid) for a day before the deal was created.
void close_on(Opportunity& deal, Date day);

// The probability rule of a stage change: the new stage's default probability unless one is
// given; won and lost force 100 and 0 and close the deal `on` that day (close_on); reopening
// clears the day it closed. A lost reason is only for a lost stage. Throws Error(invalid) for
// a contradiction.
void move_to_stage(Opportunity& deal, const Stage& stage, std::optional<int> probability, Date on,
                   std::optional<std::string> lost_reason);

// Throws Error(invalid) for a probability outside 0..100.
void validate_probability(int probability);

// One recorded change of one field. Values are stored as text: stage, org and contact by id,
// amounts in major units of the deal's currency, dates in ISO 8601.
struct FieldChange {
    std::string field;
    std::optional<std::string> old_value;
    std::optional<std::string> new_value;
};

// A change with the moment it happened.
struct DatedChange {
    Timestamp when;
    FieldChange change;
};

// Every field that differs between two versions of a deal, in a fixed order.
std::vector<FieldChange> changes_between(const Opportunity& before, const Opportunity& after);

}  // namespace funnel
