#include "funnel/domain/opportunity.hpp"

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

std::string_view to_string(DealType type) {
    return type == DealType::new_business ? "new" : "existing";
}

DealType parse_deal_type(std::string_view text) {
    const std::string word = ascii_lower(trim(text));
    if (word == "new") return DealType::new_business;
    if (word == "existing") return DealType::existing_business;
    throw invalid_input("expected new or existing");
}

void validate_probability(int probability) {
    if (probability < 0 || probability > 100) throw invalid_input("expected 0 to 100");
}

namespace {

int forced_probability(const Stage& stage, std::optional<int> requested) {
    if (requested) validate_probability(*requested);
    if (stage.is_open()) return requested.value_or(stage.probability);
    const int forced = stage.state == StageState::won ? 100 : 0;
    if (requested && *requested != forced)
        throw invalid_input(
            fmt::format("invalid --probability {}: {} is a {} stage, so the "
                        "probability is always {}",
                        *requested, stage.name, to_string(stage.state), forced));
    return forced;
}

void take_stage(Opportunity& deal, const Stage& stage) {
    deal.stage_id = stage.id;
    deal.stage = stage.name;
    deal.state = stage.state;
    deal.category = stage.category;
}

}  // namespace

bool enter_first_stage(Opportunity& deal, const Stage& stage, std::optional<int> probability) {
    deal.probability = forced_probability(stage, probability);
    take_stage(deal, stage);
    if (!stage.is_closed()) return false;
    const auto created = date_of(deal.created_at);
    const bool moved = created && deal.close_date < *created;
    if (moved) deal.created_at = deal.stage_changed_at = timestamp_at_start_of(deal.close_date);
    close_on(deal, deal.close_date);
    return moved;
}

void close_on(Opportunity& deal, Date day) {
    if (const auto created = date_of(deal.created_at); created && day < *created)
        throw invalid_input(fmt::format(
            "{} cannot close on {}: it was created on {}, and a deal closes after it exists",
            deal.id ? fmt::format("opportunity {}", deal.id) : std::string("a deal"),
            format_date(day), format_date(*created)));
    deal.closed_at = day;
    deal.close_date = day;
}

void move_to_stage(Opportunity& deal, const Stage& stage, std::optional<int> probability, Date on,
                   std::optional<std::string> lost_reason) {
    if (lost_reason && stage.state != StageState::lost)
        throw invalid_input(fmt::format("invalid --reason: {} is not a lost stage", stage.name));
    deal.probability = forced_probability(stage, probability);
    take_stage(deal, stage);
    if (stage.is_open()) {
        deal.closed_at.reset();
        deal.lost_reason.clear();
    } else {
        close_on(deal, on);
        deal.lost_reason = stage.state == StageState::lost ? lost_reason.value_or("") : "";
    }
}

namespace {

std::optional<std::string> text_value(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return text;
}

std::optional<std::string> id_value(const std::optional<std::int64_t>& id) {
    if (!id) return std::nullopt;
    return std::to_string(*id);
}

std::optional<std::string> date_value(const std::optional<Date>& date) {
    if (!date) return std::nullopt;
    return format_date(*date);
}

}  // namespace

std::vector<FieldChange> changes_between(const Opportunity& before, const Opportunity& after) {
    std::vector<FieldChange> changes;
    const auto compare = [&](std::string field, std::optional<std::string> old_value,
                             std::optional<std::string> new_value) {
        if (old_value != new_value)
            changes.push_back({std::move(field), std::move(old_value), std::move(new_value)});
    };
    const auto amount_text = [](const Money& money) {
        return format_units(money.minor, money.currency.digits(), Grouping::none);
    };
    compare("name", before.name, after.name);
    compare("org", id_value(before.org_id), id_value(after.org_id));
    compare("contact", id_value(before.contact_id), id_value(after.contact_id));
    compare("currency", std::string(before.amount.currency.code()),
            std::string(after.amount.currency.code()));
    // No amount is no value in the history.
    compare("amount", before.no_amount ? std::nullopt : std::optional(amount_text(before.amount)),
            after.no_amount ? std::nullopt : std::optional(amount_text(after.amount)));
    compare("close_date", format_date(before.close_date), format_date(after.close_date));
    compare("stage", std::to_string(before.stage_id), std::to_string(after.stage_id));
    compare("probability", std::to_string(before.probability), std::to_string(after.probability));
    compare("type", std::string(to_string(before.type)), std::string(to_string(after.type)));
    compare("next_step", text_value(before.next_step), text_value(after.next_step));
    compare("description", text_value(before.description), text_value(after.description));
    compare("owner", text_value(before.owner), text_value(after.owner));
    compare("source", text_value(before.source), text_value(after.source));
    compare("closed_at", date_value(before.closed_at), date_value(after.closed_at));
    const auto category_value = [](const std::optional<ForecastCategory>& category) {
        return category ? std::optional(std::string(to_string(*category))) : std::nullopt;
    };
    compare("category", category_value(before.own_category), category_value(after.own_category));
    compare("lost_reason", text_value(before.lost_reason), text_value(after.lost_reason));
    compare("tags", text_value(join(before.tags, ";")), text_value(join(after.tags, ";")));
    // A custom field is recorded as field:NAME.
    const auto value_of = [](const std::vector<FieldValue>& values,
                             const std::string& name) -> std::optional<std::string> {
        for (const auto& value : values)
            if (value.name == name) return value.value;
        return std::nullopt;
    };
    for (const auto& value : before.fields)
        compare("field:" + value.name, value.value, value_of(after.fields, value.name));
    for (const auto& value : after.fields)
        if (!value_of(before.fields, value.name))
            compare("field:" + value.name, std::nullopt, value.value);
    return changes;
}

}  // namespace funnel
