#include "funnel/formats/views.hpp"

#include <algorithm>

#include <fmt/format.h>
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/system/digest.hpp"

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

Cell fields_cell(const std::vector<FieldValue>& values) {
    std::vector<NamedValue> items;
    for (const auto& value : values)
        items.push_back({value.name, value.value, is_numeric(value.type)});
    return named_values_cell(std::move(items));
}

std::vector<Column> opportunity_columns() {
    return {
        {"id", "ID"},
        {"name", "Name"},
        {"org", "Organization"},
        {"org_id", "Organization ID", machines},
        {"contact", "Contact", machines},
        {"contact_id", "Contact ID", machines},
        {"amount", "Amount", everyone, Unit::amount},
        {"currency", "Cur"},
        {"close_date", "Close"},
        {"stage", "Stage"},
        {"probability", "Prob", everyone, Unit::percent},
        {"weighted_amount", "Weighted", everyone, Unit::amount},
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
        {"tags", "Tags", machines},
        {"fields", "Fields", machines},
    };
}

std::vector<Column> with_tags_shown(std::vector<Column> columns) {
    for (auto& column : columns)
        if (column.key == "tags") column.audience = Audience::everyone;
    return columns;
}

Cell custom_field_cell(const std::vector<FieldValue>& values, const CustomField& field) {
    for (const auto& value : values) {
        if (value.name != field.name) continue;
        if (!is_numeric(field.type)) return text_cell(value.value);
        // Canonical values are plain decimals: units and decimals, exactly.
        const auto point = value.value.find('.');
        std::string digits = value.value;
        int decimals = 0;
        if (point != std::string::npos) {
            decimals = int(digits.size() - point - 1);
            digits.erase(point, 1);
        }
        return {Value{Decimal{std::stoll(digits), decimals}}, Style::plain};
    }
    return null_cell();
}

std::vector<std::size_t> chosen_opportunity_columns(std::string_view list,
                                                    const std::vector<CustomField>& custom) {
    static constexpr std::pair<std::string_view, std::string_view> aliases[] = {
        {"close", "close_date"},   {"weighted", "weighted_amount"}, {"created", "created_at"},
        {"updated", "updated_at"}, {"closed", "closed_at"},         {"cur", "currency"},
        {"prob", "probability"}};
    const auto columns = opportunity_columns();
    std::vector<std::string> keys;
    for (const auto& column : columns)
        keys.push_back(column.key);
    for (const auto& field : custom)
        keys.push_back(field.name);
    std::vector<std::size_t> chosen;
    for (const auto& part : split(list, ',')) {
        std::string key = ascii_lower(trim(part));
        for (const auto& [alias, name] : aliases)
            if (key == alias) key = name;
        const auto found = std::find(keys.begin(), keys.end(), key);
        if (found == keys.end()) {
            const auto suggestion = closest_name(key, keys);
            throw invalid_input(suggestion
                                    ? fmt::format("unknown column {} (did you mean {}?)",
                                                  in_quotes(trim(part)), in_quotes(*suggestion))
                                    : fmt::format("unknown column {}; the columns are {}",
                                                  in_quotes(trim(part)), join(keys, ", ")));
        }
        chosen.push_back(std::size_t(found - keys.begin()));
    }
    return chosen;
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
        deal.no_amount ? null_cell() : money_cell(deal.amount.minor, deal.amount.currency),
        text_cell(std::string(deal.amount.currency.code())),
        date_cell(deal.close_date, overdue ? Style::bad : Style::plain),
        text_cell(deal.stage, stage_style),
        integer_cell(deal.probability),
        deal.no_amount ? null_cell() : money_cell(deal.weighted_minor(), deal.amount.currency),
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
        words_cell(deal.tags),
        fields_cell(deal.fields),
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
        {"tags", "Tags", machines},
        {"fields", "Fields", machines},
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
        words_cell(org.tags),
        fields_cell(org.fields),
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
        {"tags", "Tags", machines},
        {"fields", "Fields", machines},
    };
}

Row contact_row(const Contact& contact) {
    return {
        integer_cell(contact.id),          text_cell(contact.name),
        optional_text_cell(contact.org),   optional_integer_cell(contact.org_id),
        optional_text_cell(contact.title), optional_text_cell(contact.email),
        optional_text_cell(contact.phone), optional_text_cell(contact.notes),
        text_cell(contact.created_at),     text_cell(contact.updated_at),
        words_cell(contact.tags),          fields_cell(contact.fields),
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
        {"recorded_at", "Recorded", machines, Unit::timestamp},
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
        integer_cell(entry.id),
        integer_cell(entry.opp_id),
        text_cell(entry.changed_at),
        text_cell(entry.recorded_at),
        text_cell(entry.field, Style::strong),
        value(entry.old_value),
        value(entry.new_value),
        optional_text_cell(entry.note),
    };
}

Table contact_links_table(const std::vector<ContactLink>& links) {
    Table table{{{"id", "Link"},
                 {"contact_id", "Contact ID", machines},
                 {"name", "Contact"},
                 {"role", "Role"},
                 {"primary", "Primary"},
                 {"title", "Title"},
                 {"email", "Email"}},
                {}};
    for (const auto& link : links)
        table.rows.push_back({integer_cell(link.id), integer_cell(link.contact_id),
                              text_cell(link.contact, link.primary ? Style::strong : Style::plain),
                              text_cell(link.role), bool_cell(link.primary),
                              optional_text_cell(link.title), optional_text_cell(link.email)});
    return table;
}

Table quotes_table(const std::vector<Quote>& quotes) {
    Table table{{{"id", "Link"},
                 {"number", "Number"},
                 {"status", "Status"},
                 {"amount", "Amount"},
                 {"currency", "Cur"},
                 {"valid_until", "Valid until"},
                 {"file", "File"}},
                {}};
    for (const auto& quote : quotes) {
        const auto currency = Currency::find(quote.currency);
        const Style style = quote.status == QuoteStatus::accepted   ? Style::good
                            : quote.status == QuoteStatus::rejected ? Style::bad
                                                                    : Style::plain;
        table.rows.push_back({integer_cell(quote.id), text_cell(quote.number),
                              text_cell(std::string(to_string(quote.status)), style),
                              quote.amount
                                  ? decimal_cell(*quote.amount, currency ? currency->digits() : 2)
                                  : null_cell(),
                              text_cell(quote.currency), date_cell(quote.valid_until),
                              optional_text_cell(quote.file)});
    }
    return table;
}

Table documents_table(const std::vector<Document>& documents) {
    Table table{{{"id", "Link"},
                 {"title", "Title"},
                 {"location", "Location"},
                 {"size", "Size"},
                 {"sha256", "SHA-256", machines},
                 {"status", "Status"}},
                {}};
    for (const auto& document : documents) {
        const std::string status =
            document.is_url ? "url"
                            : std::string(file_status(document.location, document.size.value_or(-1),
                                                      document.sha256));
        table.rows.push_back(
            {integer_cell(document.id), optional_text_cell(document.title),
             text_cell(document.location), optional_integer_cell(document.size),
             optional_text_cell(document.sha256),
             text_cell(status, status == "ok" || status == "url" ? Style::plain : Style::bad)});
    }
    return table;
}

Table lines_table(const std::vector<Line>& lines) {
    Table table{{{"id", "Link"},
                 {"product_id", "Product ID", machines},
                 {"product", "Product"},
                 {"quantity", "Qty"},
                 {"unit_price", "Unit price"},
                 {"discount", "Discount", everyone, Unit::percent},
                 {"total", "Total"},
                 {"currency", "Cur"}},
                {}};
    for (const auto& line : lines) {
        const auto currency = Currency::find(line.currency);
        const int digits = currency ? currency->digits() : 2;
        table.rows.push_back({integer_cell(line.id), integer_cell(line.product_id),
                              text_cell(line.product), decimal_cell(line.quantity_milli, 3),
                              decimal_cell(line.unit_price, digits),
                              decimal_cell(line.discount_bp, 2), decimal_cell(line.total, digits),
                              text_cell(line.currency)});
    }
    return table;
}

std::vector<Column> activity_columns() {
    return {
        {"id", "ID"},
        {"type", "Type"},
        {"subject", "Subject"},
        {"due_date", "Due"},
        {"due_time", "Time"},
        {"duration_minutes", "Minutes"},
        {"opp_id", "Deal", machines},
        {"opp", "Deal"},
        {"org_id", "Organization ID", machines},
        {"org", "Organization"},
        {"contact_id", "Contact ID", machines},
        {"contact", "Contact", machines},
        {"owner", "Owner"},
        {"notes", "Notes", machines},
        {"done_on", "Done"},
        {"created_at", "Created", machines, Unit::timestamp},
        {"updated_at", "Updated", machines, Unit::timestamp},
    };
}

Row activity_row(const Activity& activity, Date today) {
    const bool overdue = !activity.done_on && activity.due_date < today;
    return {
        integer_cell(activity.id),
        text_cell(std::string(to_string(activity.type))),
        text_cell(activity.subject, activity.done_on ? Style::dim : Style::plain),
        date_cell(activity.due_date, overdue ? Style::bad : Style::plain),
        activity.due_minute ? text_cell(format_minute(*activity.due_minute)) : null_cell(),
        optional_integer_cell(activity.duration_minutes),
        optional_integer_cell(activity.opp_id),
        optional_text_cell(activity.opp),
        optional_integer_cell(activity.org_id),
        optional_text_cell(activity.org),
        optional_integer_cell(activity.contact_id),
        optional_text_cell(activity.contact),
        optional_text_cell(activity.owner),
        optional_text_cell(activity.notes),
        date_cell(activity.done_on, Style::good),
        text_cell(activity.created_at),
        text_cell(activity.updated_at),
    };
}

Record activity_record(const Activity& activity, Date today) {
    return as_record(activity_columns(), activity_row(activity, today));
}

std::vector<Column> product_columns() {
    return {
        {"id", "ID"},
        {"name", "Name"},
        {"kind", "Kind"},
        {"unit", "Unit"},
        {"price", "Price"},
        {"currency", "Cur"},
        {"lines", "Lines"},
        {"created_at", "Created", machines, Unit::timestamp},
        {"updated_at", "Updated", machines, Unit::timestamp},
    };
}

Row product_row(const Product& product, std::int64_t lines) {
    return {integer_cell(product.id),
            text_cell(product.name),
            text_cell(std::string(to_string(product.kind))),
            optional_text_cell(product.unit),
            decimal_cell(product.price.minor, product.price.currency.digits()),
            text_cell(std::string(product.price.currency.code())),
            integer_cell(lines),
            text_cell(product.created_at),
            text_cell(product.updated_at)};
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
