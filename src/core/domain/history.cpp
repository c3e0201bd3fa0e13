#include "funnel/domain/history.hpp"

#include <fmt/format.h>

#include "funnel/error.hpp"

namespace funnel {

Timestamp end_of_day(Date date) {
    return format_date(date) + "T23:59:59";
}

namespace {

std::optional<std::int64_t> id_of(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    return std::stoll(*text);
}

std::string text_of(const std::optional<std::string>& text) {
    return text.value_or("");
}

Date date_of_value(const std::optional<std::string>& text) {
    if (text)
        if (auto date = parse_iso_date(*text)) return *date;
    throw runtime_failure(fmt::format("damaged date {} in the history", text_of(text)));
}

}  // namespace

std::optional<Opportunity> deal_as_of(const Opportunity& current,
                                      const std::vector<DealChange>& changes,
                                      const Timestamp& moment, const std::vector<Stage>& stages) {
    if (current.created_at > moment) return std::nullopt;
    Opportunity deal = current;
    std::optional<std::string> amount_text;  // parsed once the currency of the time is known
    for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
        const DealChange& change = *it;
        if (change.recorded_at <= moment) continue;
        const auto& old_value = change.old_value;
        if (change.field == "name")
            deal.name = text_of(old_value);
        else if (change.field == "org") {
            deal.org_id = id_of(old_value);
            if (deal.org_id != current.org_id) deal.org.clear();
        } else if (change.field == "contact") {
            deal.contact_id = id_of(old_value);
            if (deal.contact_id != current.contact_id) deal.contact.clear();
        } else if (change.field == "currency") {
            if (auto currency = Currency::find(text_of(old_value)))
                deal.amount.currency = *currency;
        } else if (change.field == "amount")
            amount_text = text_of(old_value);
        else if (change.field == "close_date")
            deal.close_date = date_of_value(old_value);
        else if (change.field == "stage") {
            if (auto id = id_of(old_value)) deal.stage_id = *id;
        } else if (change.field == "probability")
            deal.probability = std::stoi(text_of(old_value));
        else if (change.field == "type")
            deal.type = parse_deal_type(text_of(old_value));
        else if (change.field == "next_step")
            deal.next_step = text_of(old_value);
        else if (change.field == "description")
            deal.description = text_of(old_value);
        else if (change.field == "owner")
            deal.owner = text_of(old_value);
        else if (change.field == "source")
            deal.source = text_of(old_value);
        else if (change.field == "closed_at")
            deal.closed_at = old_value ? std::optional(date_of_value(old_value)) : std::nullopt;
        else if (change.field == "lost_reason")
            deal.lost_reason = text_of(old_value);
        else if (change.field == "category")
            deal.own_category =
                old_value ? std::optional(parse_forecast_category(*old_value)) : std::nullopt;
    }
    if (amount_text) deal.amount.minor = parse_amount(*amount_text, deal.amount.currency.digits());
    // The deal entered its stage at its last stage change known at the moment, or at creation.
    deal.stage_changed_at = deal.created_at;
    for (const auto& change : changes)
        if (change.field == "stage" && change.recorded_at <= moment &&
            change.changed_at > deal.stage_changed_at)
            deal.stage_changed_at = change.changed_at;
    for (const auto& stage : stages) {
        if (stage.id != deal.stage_id) continue;
        deal.stage = stage.name;
        deal.state = stage.state;
        deal.category = deal.own_category.value_or(stage.category);
    }
    return deal;
}

}  // namespace funnel
