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

namespace {

// Undoes one change: the deal takes the change's old value. An amount is kept as text until the
// currency of the time is known.
void undo(Opportunity& deal, const Opportunity& current, const DealChange& change,
          std::optional<std::string>& amount_text) {
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
        if (auto currency = Currency::find(text_of(old_value))) deal.amount.currency = *currency;
    } else if (change.field == "amount")
        amount_text = old_value.value_or("");  // empty: no amount
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

// The deal once its changes after a moment are undone: its amount in the currency of the time,
// the stage's name, state and category, and the moment it entered that stage.
Opportunity finished(Opportunity deal, const std::optional<std::string>& amount_text,
                     const Timestamp& stage_changed_at, const std::vector<Stage>& stages) {
    if (amount_text) {
        deal.no_amount = amount_text->empty();
        deal.amount.minor =
            deal.no_amount ? 0 : parse_amount(*amount_text, deal.amount.currency.digits());
    }
    deal.stage_changed_at = stage_changed_at;
    for (const auto& stage : stages) {
        if (stage.id != deal.stage_id) continue;
        deal.stage = stage.name;
        deal.state = stage.state;
        deal.category = deal.own_category.value_or(stage.category);
    }
    return deal;
}

}  // namespace

std::optional<Opportunity> deal_as_of(const Opportunity& current,
                                      const std::vector<DealChange>& changes,
                                      const Timestamp& moment, const std::vector<Stage>& stages) {
    return deals_as_of(current, changes, {moment}, stages).front();
}

std::vector<std::optional<Opportunity>> deals_as_of(const Opportunity& current,
                                                    const std::vector<DealChange>& changes,
                                                    const std::vector<Timestamp>& moments,
                                                    const std::vector<Stage>& stages) {
    std::vector<std::optional<Opportunity>> out(moments.size());
    // The deal entered its stage at its last stage change known at a moment, or at creation:
    // for each prefix of the changes (those recorded by the moment), the latest of them.
    std::vector<Timestamp> entered(changes.size() + 1, current.created_at);
    for (std::size_t i = 0; i < changes.size(); ++i) {
        entered[i + 1] = entered[i];
        if (changes[i].field == "stage" && changes[i].changed_at > entered[i + 1])
            entered[i + 1] = changes[i].changed_at;
    }
    Opportunity deal = current;
    std::optional<std::string> amount_text;
    std::size_t known = changes.size();  // changes[0, known) are recorded by the moment
    // The latest moment first: each undoes what the one after it left.
    for (std::size_t m = moments.size(); m-- > 0;) {
        const Timestamp& moment = moments[m];
        if (current.created_at > moment) continue;
        while (known > 0 && changes[known - 1].recorded_at > moment)
            undo(deal, current, changes[--known], amount_text);
        out[m] = finished(deal, amount_text, entered[known], stages);
    }
    return out;
}

}  // namespace funnel
