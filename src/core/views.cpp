#include "funnel/views.hpp"

#include <algorithm>

namespace funnel {

namespace {

constexpr Audience machines = Audience::machines;
constexpr Audience everyone = Audience::everyone;

Cell date_cell(const std::optional<Date>& date, Style style = Style::plain) {
    if (!date) return null_cell();
    return text_cell(format_date(*date), style);
}

Cell money_cell(std::int64_t minor, const Currency& currency) {
    return decimal_cell(minor, currency.digits());
}

// The same columns for a single record: every field is for everyone, ids excepted.
Record as_record(std::vector<Column> columns, Row values) {
    for (auto& column : columns)
        if (column.audience == machines && !column.key.ends_with("_id")) column.audience = everyone;
    return {std::move(columns), std::move(values), {}};
}

}  // namespace

std::vector<Column> opportunity_columns() {
    return {
        {"id", "ID"},
        {"name", "Name"},
        {"org", "Organization"},
        {"org_id", "Organization ID", machines},
        {"contact", "Contact", machines},
        {"contact_id", "Contact ID", machines},
        {"amount", "Amount"},
        {"currency", "Cur"},
        {"close_date", "Close"},
        {"stage", "Stage"},
        {"probability", "Prob", everyone, Unit::percent},
        {"weighted_amount", "Weighted"},
        {"category", "Category", machines},
        {"type", "Type", machines},
        {"next_step", "Next step", machines},
        {"description", "Description", machines},
        {"owner", "Owner"},
        {"source", "Source", machines},
        {"created_at", "Created", machines, Unit::timestamp},
        {"updated_at", "Updated", machines, Unit::timestamp},
        {"closed_at", "Closed", machines},
        {"lost_reason", "Lost reason", machines},
    };
}

Row opportunity_row(const Opportunity& deal, Date today) {
    const bool overdue = deal.is_open() && deal.close_date < today;
    const Style stage_style = deal.state == StageState::won    ? Style::good
                              : deal.state == StageState::lost ? Style::dim
                                                               : Style::plain;
    return {
        integer_cell(deal.id),
        text_cell(deal.name),
        optional_text_cell(deal.org),
        optional_integer_cell(deal.org_id),
        optional_text_cell(deal.contact),
        optional_integer_cell(deal.contact_id),
        money_cell(deal.amount.minor, deal.amount.currency),
        text_cell(std::string(deal.amount.currency.code())),
        date_cell(deal.close_date, overdue ? Style::bad : Style::plain),
        text_cell(deal.stage, stage_style),
        integer_cell(deal.probability),
        money_cell(deal.weighted_minor(), deal.amount.currency),
        text_cell(std::string(to_string(deal.category))),
        text_cell(std::string(to_string(deal.type))),
        optional_text_cell(deal.next_step),
        optional_text_cell(deal.description),
        optional_text_cell(deal.owner),
        optional_text_cell(deal.source),
        text_cell(deal.created_at),
        text_cell(deal.updated_at),
        date_cell(deal.closed_at),
        optional_text_cell(deal.lost_reason),
    };
}

Record opportunity_record(const Opportunity& deal, Date today) {
    return as_record(opportunity_columns(), opportunity_row(deal, today));
}

std::vector<Column> stage_columns() {
    return {
        {"position", "#"},
        {"name", "Name"},
        {"label", "Label"},
        {"probability", "Prob", everyone, Unit::percent},
        {"category", "Category"},
        {"state", "State"},
        {"stale_days", "Stale after (days)"},
    };
}

Row stage_row(const Stage& stage) {
    const Style style = stage.state == StageState::won    ? Style::good
                        : stage.state == StageState::lost ? Style::dim
                                                          : Style::plain;
    return {
        integer_cell(stage.position),
        text_cell(stage.name, style),
        text_cell(stage.label),
        integer_cell(stage.probability),
        text_cell(std::string(to_string(stage.category))),
        text_cell(std::string(to_string(stage.state))),
        integer_cell(stage.stale_days),
    };
}

std::vector<Column> organization_columns() {
    return {
        {"id", "ID"},
        {"name", "Name"},
        {"industry", "Industry"},
        {"website", "Website"},
        {"phone", "Phone"},
        {"notes", "Notes", machines},
        {"open_deals", "Open deals"},
        {"contacts", "Contacts"},
        {"created_at", "Created", machines, Unit::timestamp},
        {"updated_at", "Updated", machines, Unit::timestamp},
    };
}

Row organization_row(const OrganizationSummary& summary) {
    const Organization& org = summary.organization;
    return {
        integer_cell(org.id),
        text_cell(org.name),
        optional_text_cell(org.industry),
        optional_text_cell(org.website),
        optional_text_cell(org.phone),
        optional_text_cell(org.notes),
        integer_cell(summary.open_deals),
        integer_cell(summary.contacts),
        text_cell(org.created_at),
        text_cell(org.updated_at),
    };
}

Record organization_record(const Organization& org) {
    auto columns = organization_columns();
    auto values = organization_row({org, 0, 0});
    // The counts are shown as sections of the record instead.
    for (const char* key : {"contacts", "open_deals"}) {
        const auto at = std::find_if(columns.begin(), columns.end(),
                                     [&](const Column& column) { return column.key == key; });
        values.erase(values.begin() + (at - columns.begin()));
        columns.erase(at);
    }
    return as_record(std::move(columns), std::move(values));
}

std::vector<Column> contact_columns() {
    return {
        {"id", "ID"},
        {"name", "Name"},
        {"org", "Organization"},
        {"org_id", "Organization ID", machines},
        {"title", "Title"},
        {"email", "Email"},
        {"phone", "Phone"},
        {"notes", "Notes", machines},
        {"created_at", "Created", machines, Unit::timestamp},
        {"updated_at", "Updated", machines, Unit::timestamp},
    };
}

Row contact_row(const Contact& contact) {
    return {
        integer_cell(contact.id),          text_cell(contact.name),
        optional_text_cell(contact.org),   optional_integer_cell(contact.org_id),
        optional_text_cell(contact.title), optional_text_cell(contact.email),
        optional_text_cell(contact.phone), optional_text_cell(contact.notes),
        text_cell(contact.created_at),     text_cell(contact.updated_at),
    };
}

Record contact_record(const Contact& contact) {
    return as_record(contact_columns(), contact_row(contact));
}

std::vector<Column> history_columns() {
    return {
        {"id", "ID", machines},
        {"opp_id", "Opportunity", machines},
        {"changed_at", "When", everyone, Unit::timestamp},
        {"field", "Field"},
        {"old", "From"},
        {"new", "To"},
        {"note", "Note"},
    };
}

Row history_row(const HistoryEntry& entry) {
    const auto value = [](const std::optional<std::string>& text) {
        return text ? text_cell(*text) : null_cell();
    };
    return {
        integer_cell(entry.id),         integer_cell(entry.opp_id),
        text_cell(entry.changed_at),    text_cell(entry.field, Style::strong),
        value(entry.old_value),         value(entry.new_value),
        optional_text_cell(entry.note),
    };
}

Table totals_table(const std::vector<CurrencyTotals>& totals) {
    Table table{{
                    {"currency", "Currency"},
                    {"open", "Open"},
                    {"pipeline", "Pipeline"},
                    {"weighted", "Weighted"},
                    {"won", "Won"},
                    {"won_amount", "Won amount"},
                    {"lost", "Lost"},
                },
                {}};
    for (const auto& total : totals) {
        const int digits =
            Currency::find(total.currency) ? Currency::find(total.currency)->digits() : 2;
        table.rows.push_back({
            text_cell(total.currency),
            integer_cell(total.open),
            decimal_cell(total.pipeline_minor, digits),
            decimal_cell(total.weighted_minor, digits),
            integer_cell(total.won),
            decimal_cell(total.won_minor, digits),
            integer_cell(total.lost),
        });
    }
    return table;
}

}  // namespace funnel
