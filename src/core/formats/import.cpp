#include "funnel/formats/import.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"

namespace funnel {

namespace {

constexpr std::array<std::pair<std::string_view, ImportField>, 19> field_names = {{
    {"name", ImportField::name},
    {"org", ImportField::org},
    {"contact", ImportField::contact},
    {"amount", ImportField::amount},
    {"currency", ImportField::currency},
    {"close_date", ImportField::close_date},
    {"stage", ImportField::stage},
    {"probability", ImportField::probability},
    {"type", ImportField::type},
    {"next_step", ImportField::next_step},
    {"description", ImportField::description},
    {"owner", ImportField::owner},
    {"source", ImportField::source},
    {"created_at", ImportField::created_at},
    {"updated_at", ImportField::updated_at},
    {"closed_at", ImportField::closed_at},
    {"lost_reason", ImportField::lost_reason},
    {"external_id", ImportField::external_id},
    {"ignore", ImportField::ignore},
}};

std::string field_list() {
    std::vector<std::string> names;
    for (const auto& [name, field] : field_names)
        names.emplace_back(name);
    return join(names, ", ");
}

// A column a preset knows. Columns of record ids (Salesforce's AccountId) fill their field only
// through a --lookup that turns ids into names.
struct PresetColumn {
    std::string_view header;
    ImportField field;
    bool ids = false;
};

// funnel's own export: every field under its own name; the derived values and the ids of this
// data file are not read back.
constexpr std::array<std::string_view, 5> derived_columns = {"id", "org_id", "contact_id",
                                                             "weighted_amount", "category"};
constexpr auto generic_columns = [] {
    std::array<PresetColumn, field_names.size() - 1 + derived_columns.size()> columns{};
    std::size_t next = 0;
    for (const auto& [name, field] : field_names)
        if (field != ImportField::ignore) columns[next++] = {name, field};
    for (const auto name : derived_columns)
        columns[next++] = {name, ImportField::ignore};
    return columns;
}();

// Vtiger's Opportunities (formerly Potentials) export.
constexpr PresetColumn vtiger_columns[] = {
    {"Opportunity Name", ImportField::name},
    {"Potential Name", ImportField::name},
    {"Opportunity No", ImportField::external_id},
    {"Potential No", ImportField::external_id},
    {"Organization Name", ImportField::org},
    {"Related To", ImportField::org},
    {"Contact Name", ImportField::contact},
    {"Amount", ImportField::amount},
    {"Currency", ImportField::currency},
    {"Expected Close Date", ImportField::close_date},
    {"Sales Stage", ImportField::stage},
    {"Probability", ImportField::probability},
    {"Probability (%)", ImportField::probability},
    {"Type", ImportField::type},
    {"Next Step", ImportField::next_step},
    {"Lead Source", ImportField::source},
    {"Assigned To", ImportField::owner},
    {"Description", ImportField::description},
    {"Created Time", ImportField::created_at},
    {"Modified Time", ImportField::ignore},
    {"Last Modified By", ImportField::ignore},
    {"Modified By", ImportField::ignore},
    {"Created By", ImportField::ignore},
    {"Campaign Source", ImportField::ignore},
    {"Forecast Amount", ImportField::ignore},
    {"Forecast Category", ImportField::ignore},
    {"Source", ImportField::ignore},
    {"Starred", ImportField::ignore},
    {"Tags", ImportField::ignore},
};

// Salesforce's Opportunity export: report labels and API field names.
constexpr PresetColumn salesforce_columns[] = {
    {"Opportunity Name", ImportField::name},
    {"Name", ImportField::name},
    {"Opportunity ID", ImportField::external_id},
    {"Id", ImportField::external_id},
    {"Account Name", ImportField::org},
    {"AccountId", ImportField::org, true},
    {"Contact Name", ImportField::contact},
    {"Amount", ImportField::amount},
    {"Amount Currency", ImportField::currency},
    {"Opportunity Currency", ImportField::currency},
    {"CurrencyIsoCode", ImportField::currency},
    {"Close Date", ImportField::close_date},
    {"CloseDate", ImportField::close_date},
    {"Stage", ImportField::stage},
    {"StageName", ImportField::stage},
    {"Probability (%)", ImportField::probability},
    {"Probability", ImportField::probability},
    {"Type", ImportField::type},
    {"Next Step", ImportField::next_step},
    {"NextStep", ImportField::next_step},
    {"Lead Source", ImportField::source},
    {"LeadSource", ImportField::source},
    {"Opportunity Owner", ImportField::owner},
    {"Description", ImportField::description},
    {"Created Date", ImportField::created_at},
    {"CreatedDate", ImportField::created_at},
    // Derived, or ids of records that are not deals: known, and read only when mapped.
    {"OwnerId", ImportField::ignore},
    {"ContactId", ImportField::ignore},
    {"Account ID", ImportField::ignore},
    {"Expected Revenue", ImportField::ignore},
    {"ExpectedRevenue", ImportField::ignore},
    {"Closed", ImportField::ignore},
    {"IsClosed", ImportField::ignore},
    {"Won", ImportField::ignore},
    {"IsWon", ImportField::ignore},
    {"IsDeleted", ImportField::ignore},
    {"Forecast Category", ImportField::ignore},
    {"ForecastCategory", ImportField::ignore},
    {"ForecastCategoryName", ImportField::ignore},
    {"Fiscal Period", ImportField::ignore},
    {"FiscalQuarter", ImportField::ignore},
    {"FiscalYear", ImportField::ignore},
    {"Fiscal", ImportField::ignore},
    {"Age", ImportField::ignore},
    {"Stage Duration", ImportField::ignore},
    {"CampaignId", ImportField::ignore},
    {"Primary Campaign Source", ImportField::ignore},
    {"HasOpportunityLineItem", ImportField::ignore},
    {"Pricebook2Id", ImportField::ignore},
    {"CreatedById", ImportField::ignore},
    {"Created By", ImportField::ignore},
    {"LastModifiedDate", ImportField::ignore},
    {"Last Modified Date", ImportField::ignore},
    {"LastModifiedById", ImportField::ignore},
    {"Last Modified By", ImportField::ignore},
    {"SystemModstamp", ImportField::ignore},
    {"LastActivityDate", ImportField::ignore},
    {"Last Activity", ImportField::ignore},
    {"LastStageChangeDate", ImportField::ignore},
    {"LastViewedDate", ImportField::ignore},
    {"LastReferencedDate", ImportField::ignore},
    {"HasOpenActivity", ImportField::ignore},
    {"HasOverdueTask", ImportField::ignore},
    {"TotalOpportunityQuantity", ImportField::ignore},
    {"PushCount", ImportField::ignore},
    {"LastAmountChangedHistoryId", ImportField::ignore},
    {"LastCloseDateChangedHistoryId", ImportField::ignore},
};

// The default stages of Vtiger and Salesforce, onto funnel's.
constexpr std::pair<std::string_view, std::string_view> standard_stages[] = {
    {"Prospecting", "prospecting"},
    {"Qualification", "prospecting"},
    {"Needs Analysis", "prospecting"},
    {"Value Proposition", "value-proposition"},
    {"Id. Decision Makers", "value-proposition"},
    {"Perception Analysis", "value-proposition"},
    {"Proposal/Price Quote", "quote-sent"},
    {"Negotiation/Review", "renegotiation"},
    {"Closed Won", "closed-won"},
    {"Closed Lost", "closed-lost"},
};

std::span<const PresetColumn> preset_columns(Preset preset) {
    switch (preset) {
        case Preset::vtiger:
            return vtiger_columns;
        case Preset::salesforce:
            return salesforce_columns;
        case Preset::generic:
            break;
    }
    return generic_columns;
}

std::string quoted_list(const std::vector<std::string>& values) {
    std::vector<std::string> quoted;
    for (const auto& value : values)
        quoted.push_back(in_quotes(value));
    return join(quoted, ", ");
}

// A number of 1 to `max_digits` digits at `at`; advances past it.
std::optional<int> read_number(std::string_view text, std::size_t& at, std::size_t max_digits) {
    std::size_t digits = 0;
    int value = 0;
    while (at < text.size() && digits < max_digits && text[at] >= '0' && text[at] <= '9') {
        value = value * 10 + (text[at] - '0');
        ++at;
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
}

constexpr std::string_view month_abbreviations[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                    "jul", "aug", "sep", "oct", "nov", "dec"};

std::string date_expectation(std::string_view format) {
    if (format.empty()) return "expected YYYY-MM-DD (give --date-format for another form)";
    return fmt::format("expected a date in the form {}", format);
}

// What may follow a date: nothing, or a time after a space or 'T'.
bool only_time_follows(std::string_view text, std::size_t at) {
    return at == text.size() || text[at] == ' ' || text[at] == 'T';
}

// The time after a date that ends at `at`, when one follows: never dropped when malformed.
std::optional<std::string> time_after(std::string_view text, std::size_t at) {
    if (at >= text.size()) return std::nullopt;
    return parse_time_of_day(text.substr(at + 1));
}

std::string lower(std::string_view text) {
    return ascii_lower(trim(text));
}

}  // namespace

std::string_view to_string(ImportField field) {
    for (const auto& [name, value] : field_names)
        if (value == field) return name;
    return "ignore";
}

ImportField parse_import_field(std::string_view text) {
    const std::string word = lower(text);
    for (const auto& [name, field] : field_names)
        if (name == word) return field;
    throw invalid_input("expected one of " + field_list());
}

Preset parse_preset(std::string_view text) {
    const std::string word = lower(text);
    if (word == "generic") return Preset::generic;
    if (word == "vtiger") return Preset::vtiger;
    if (word == "salesforce") return Preset::salesforce;
    throw invalid_input("expected generic, vtiger or salesforce");
}

std::string_view to_string(Preset preset) {
    switch (preset) {
        case Preset::vtiger:
            return "vtiger";
        case Preset::salesforce:
            return "salesforce";
        case Preset::generic:
            break;
    }
    return "generic";
}

OnDuplicate parse_on_duplicate(std::string_view text) {
    const std::string word = lower(text);
    if (word == "skip") return OnDuplicate::skip;
    if (word == "update") return OnDuplicate::update;
    if (word == "error") return OnDuplicate::error;
    throw invalid_input("expected skip, update or error");
}

std::pair<std::string, std::string> split_assignment(std::string_view text) {
    const auto at = text.find('=');
    if (at == std::string_view::npos || trim(text.substr(0, at)).empty())
        throw invalid_input("expected NAME=VALUE");
    return {std::string(trim(text.substr(0, at))), std::string(trim(text.substr(at + 1)))};
}

std::optional<std::size_t> ColumnPlan::column_of(ImportField field) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == field) return i;
    return std::nullopt;
}

ColumnPlan plan_columns(const std::vector<std::string>& header, const ImportSettings& settings) {
    ColumnPlan plan;
    for (const auto& name : header)
        plan.header.emplace_back(trim(name));
    const auto column_named = [&](std::string_view name) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < plan.header.size(); ++i)
            if (iequals(plan.header[i], name)) return i;
        return std::nullopt;
    };
    const auto columns_hint = [&] {
        return fmt::format("the columns are {}", quoted_list(plan.header));
    };

    for (const auto& [column, field] : settings.maps)
        if (!column_named(column))
            throw invalid_input(fmt::format("invalid --map {}: the file has no such column; {}",
                                            in_quotes(column + "=" + std::string(to_string(field))),
                                            columns_hint()));
    for (const auto& [column, table] : settings.lookups)
        if (!column_named(column))
            throw invalid_input(fmt::format("invalid --lookup {}: the file has no such column; {}",
                                            in_quotes(column), columns_hint()));
    if (settings.key) {
        plan.key = column_named(*settings.key);
        if (!plan.key)
            throw invalid_input(fmt::format("invalid --key {}: the file has no such column; {}",
                                            in_quotes(*settings.key), columns_hint()));
    }

    std::vector<std::string> unknown;
    std::vector<std::string> need_lookup;
    for (std::size_t i = 0; i < plan.header.size(); ++i) {
        const std::string& name = plan.header[i];
        std::optional<ImportField> field;
        bool ids = false;
        for (const auto& [column, mapped] : settings.maps)
            if (iequals(column, name)) field = mapped;
        if (!field)
            for (const auto& known : preset_columns(settings.preset))
                if (iequals(known.header, name)) {
                    field = known.field;
                    ids = known.ids;
                }
        const std::unordered_map<std::string, std::string>* lookup = nullptr;
        for (const auto& [column, table] : settings.lookups)
            if (iequals(column, name)) lookup = &table;
        if (!field && plan.key == i) field = ImportField::ignore;
        if (!field) {
            unknown.push_back(name);
            field = ImportField::ignore;
        }
        if (ids && !lookup && *field != ImportField::ignore) need_lookup.push_back(name);
        plan.fields.push_back(*field);
        plan.lookups.push_back(lookup);
    }
    if (!unknown.empty())
        throw invalid_input(fmt::format(
            "the file has column{} that the {} preset does not know: {}; map each with --map "
            "'COLUMN=FIELD' (fields: {}), or --map 'COLUMN=ignore' to leave it out",
            unknown.size() == 1 ? "" : "s", to_string(settings.preset), quoted_list(unknown),
            field_list()));
    if (!need_lookup.empty())
        throw invalid_input(fmt::format(
            "column {} holds record ids, not names: give --lookup '{}=FILE' with the export "
            "that names them (e.g. Account.csv), or --map '{}=ignore'",
            in_quotes(need_lookup.front()), need_lookup.front(), need_lookup.front()));
    for (std::size_t i = 0; i < plan.fields.size(); ++i) {
        if (plan.fields[i] == ImportField::ignore) continue;
        for (std::size_t j = i + 1; j < plan.fields.size(); ++j)
            if (plan.fields[j] == plan.fields[i])
                throw invalid_input(fmt::format(
                    "columns {} and {} both fill {}: map one of them to another field or to "
                    "ignore with --map",
                    in_quotes(plan.header[i]), in_quotes(plan.header[j]),
                    to_string(plan.fields[i])));
    }
    if (plan.key && plan.column_of(ImportField::external_id) &&
        *plan.column_of(ImportField::external_id) != *plan.key)
        throw invalid_input(fmt::format(
            "--key {} and column {} both give the external id: map that column to ignore",
            in_quotes(*settings.key),
            in_quotes(plan.header[*plan.column_of(ImportField::external_id)])));

    const auto given = [&](ImportField field) {
        if (plan.column_of(field)) return true;
        for (const auto& [defaulted, value] : settings.defaults)
            if (defaulted == field) return true;
        return false;
    };
    if (!given(ImportField::name))
        throw invalid_input(
            "no column gives the deals' names: map one with --map 'COLUMN=name' or give "
            "--default name=TEXT");
    if (!given(ImportField::close_date))
        throw invalid_input(
            "no column gives the close dates: map one with --map 'COLUMN=close_date' or give "
            "--default close_date=DATE");
    if (!given(ImportField::org) && !given(ImportField::contact))
        throw invalid_input(
            "no column gives an organization or a contact: map one with --map 'COLUMN=org' or "
            "--map 'COLUMN=contact', or give --default org=NAME");
    return plan;
}

void validate_date_format(std::string_view format) {
    bool year = false, month = false, day = false;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') continue;
        if (i + 1 == format.size())
            throw invalid_input("a % at the end; use %Y, %y, %m, %d, %b or %%");
        switch (format[++i]) {
            case 'Y':
            case 'y':
                year = true;
                break;
            case 'm':
            case 'b':
                month = true;
                break;
            case 'd':
                day = true;
                break;
            case '%':
                break;
            default:
                throw invalid_input(
                    fmt::format("unknown %{}; use %Y, %y, %m, %d, %b or %%", format[i]));
        }
    }
    if (!year || !month || !day)
        throw invalid_input("a format needs a year (%Y or %y), a month (%m or %b) and a day (%d)");
}

namespace {

// The date at the start of `text` in `format` (ISO 8601 when empty); `end` is where it ends.
Date date_in_format(std::string_view text, std::string_view format, std::size_t& end) {
    if (format.empty()) {
        if (text.size() >= 10 && only_time_follows(text, 10)) {
            const std::string_view day = text.substr(0, 10);
            if (auto date = parse_iso_date(day)) {
                end = 10;
                return checked_date(*date);
            }
            bool shaped = day[4] == '-' && day[7] == '-';
            for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
                shaped = shaped && day[i] >= '0' && day[i] <= '9';
            if (shaped) throw invalid_input("no such day");
        }
        throw invalid_input(date_expectation(format));
    }
    int year = -1, month = -1, day = -1;
    std::size_t at = 0;
    for (std::size_t f = 0; f < format.size(); ++f) {
        if (format[f] != '%' || f + 1 == format.size()) {
            if (at >= text.size() || text[at] != format[f])
                throw invalid_input(date_expectation(format));
            ++at;
            continue;
        }
        const char spec = format[++f];
        std::optional<int> number;
        switch (spec) {
            case 'Y':
                number = read_number(text, at, 4);
                year = number.value_or(-1);
                break;
            case 'y':
                number = read_number(text, at, 2);
                if (number) year = *number < 69 ? 2000 + *number : 1900 + *number;
                break;
            case 'm':
                number = read_number(text, at, 2);
                month = number.value_or(-1);
                break;
            case 'd':
                number = read_number(text, at, 2);
                day = number.value_or(-1);
                break;
            case 'b':
                for (int m = 0; m < 12 && !number; ++m)
                    if (text.size() >= at + 3 &&
                        ascii_lower(text.substr(at, 3)) == month_abbreviations[m]) {
                        number = m + 1;
                        at += 3;
                    }
                month = number.value_or(-1);
                break;
            default:  // %%
                number = 0;
                if (at >= text.size() || text[at] != '%')
                    throw invalid_input(date_expectation(format));
                ++at;
        }
        if (!number) throw invalid_input(date_expectation(format));
    }
    if (!only_time_follows(text, at) || year < 0 || month < 0 || day < 0)
        throw invalid_input(date_expectation(format));
    const Date date{std::chrono::year(year), std::chrono::month(unsigned(month)),
                    std::chrono::day(unsigned(day))};
    if (!date.ok()) throw invalid_input(fmt::format("no such day ({})", date_expectation(format)));
    end = at;
    return checked_date(date);
}

}  // namespace

Date parse_date_in_format(std::string_view text, std::string_view format) {
    text = trim(text);
    std::size_t end = 0;
    const Date date = date_in_format(text, format, end);
    time_after(text, end);  // a time may follow, but not a malformed one
    return date;
}

Timestamp parse_timestamp_in_format(std::string_view text, std::string_view format) {
    text = trim(text);
    std::size_t end = 0;
    const Date date = date_in_format(text, format, end);
    // The time after the date is kept (any zone taken as written); a date alone is its start.
    if (const auto time = time_after(text, end)) return format_date(date) + "T" + *time;
    return timestamp_at_start_of(date);
}

std::int64_t parse_amount_cell(std::string_view text, int digits) {
    const char* const expected = "expected an amount such as 12000, 12000.50 or 12,000.50";
    // A currency code before or after the number ("USD 1200", "1200 EUR") is not part of it.
    text = trim(text);
    const auto is_letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    const auto code_at = [&](std::size_t at) {
        return text.size() >= at + 3 && is_letter(text[at]) && is_letter(text[at + 1]) &&
               is_letter(text[at + 2]);
    };
    if (code_at(0) && (text.size() == 3 || !is_letter(text[3]))) text.remove_prefix(3);
    if (text.size() >= 3 && code_at(text.size() - 3) &&
        (text.size() == 3 || !is_letter(text[text.size() - 4])))
        text.remove_suffix(3);
    // Currency signs and spaces (also no-break and thin spaces) go; what is left are digits
    // and separators.
    std::string kept;
    bool negative = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c >= '0' && c <= '9') || c == '.' || c == ',')
            kept += char(c);
        else if (c == '-' || c == '(')
            negative = true;
        else if (c == '\'' || c == ' ' || c == ')' || c == '$' || c >= 0x80)
            continue;
        else
            throw invalid_input(expected);
    }
    if (negative) throw invalid_input("an amount is never negative");
    if (kept.empty())
        throw invalid_input("expected an amount such as 12000, 12000.50 or 12,000.50");
    // The decimal separator is the last '.' or ',' when both kinds appear, or when it cannot
    // group thousands: it is the only one and not between 1-3 digits and exactly three.
    const auto last = kept.find_last_of(".,");
    std::string number;
    if (last != std::string::npos) {
        const char mark = kept[last];
        const bool both = kept.find(mark == '.' ? ',' : '.') != std::string::npos;
        const std::size_t after = kept.size() - last - 1;
        const bool repeated = kept.find(mark) != last;
        const bool groups = after == 3 && last >= 1 && last <= 3;
        const bool decimal = both || (!repeated && !groups);
        for (std::size_t i = 0; i < kept.size(); ++i) {
            if (kept[i] == '.' || kept[i] == ',') {
                if (i == last && decimal) number += '.';
                continue;
            }
            number += kept[i];
        }
    } else {
        number = kept;
    }
    // Zeros past the currency's decimals change nothing (Vtiger writes 12000.00000000).
    if (const auto point = number.find('.'); point != std::string::npos)
        while (number.size() - point - 1 > std::size_t(digits) && number.back() == '0')
            number.pop_back();
    if (!number.empty() && number.back() == '.') number.pop_back();
    return parse_amount(number, digits);
}

int parse_probability_cell(std::string_view text) {
    std::string_view value = trim(text);
    if (!value.empty() && value.back() == '%') value = trim(value.substr(0, value.size() - 1));
    int whole = 0;
    std::size_t at = 0;
    std::size_t digits = 0;
    while (at < value.size() && value[at] >= '0' && value[at] <= '9' && digits < 4) {
        whole = whole * 10 + (value[at++] - '0');
        ++digits;
    }
    bool round_up = false;
    if (digits > 0 && at < value.size() && (value[at] == '.' || value[at] == ',')) {
        ++at;
        if (at < value.size() && value[at] >= '5' && value[at] <= '9') round_up = true;
        while (at < value.size() && value[at] >= '0' && value[at] <= '9')
            ++at;
    }
    if (digits == 0 || at != value.size())
        throw invalid_input("expected a percentage from 0 to 100");
    const int probability = whole + (round_up ? 1 : 0);
    if (probability > 100) throw invalid_input("expected a percentage from 0 to 100");
    return probability;
}

DealType parse_deal_type_cell(std::string_view text) {
    const std::string word = lower(text);
    if (word.starts_with("new")) return DealType::new_business;
    if (word.starts_with("existing")) return DealType::existing_business;
    throw invalid_input("expected new or existing (or New Business, Existing Business)");
}

RowConverter::RowConverter(const ColumnPlan& plan, const ImportSettings& settings,
                           std::vector<Stage> stages, Currency default_currency, Date today)
    : plan_(plan),
      stages_(std::move(stages)),
      default_currency_(settings.currency.value_or(default_currency)),
      date_format_(settings.date_format),
      today_(today) {
    const auto stage_named = [&](std::string_view name) -> const Stage* {
        for (const auto& stage : stages_)
            if (iequals(stage.name, name)) return &stage;
        return nullptr;
    };
    if (settings.preset != Preset::generic)
        for (const auto& [foreign, ours] : standard_stages)
            if (const Stage* stage = stage_named(ours)) stage_map_[lower(foreign)] = stage;
    for (const auto& [foreign, ours] : settings.stage_map) {
        const Stage* stage = stage_named(ours);
        if (!stage) {
            std::vector<std::string> names;
            for (const auto& s : stages_)
                names.push_back(s.name);
            throw invalid_input(
                fmt::format("invalid --stage-map {}: no stage {}; the stages are {}",
                            in_quotes(foreign + "=" + ours), in_quotes(ours), join(names, ", ")));
        }
        stage_map_[lower(foreign)] = stage;
    }
    for (const auto& [field, value] : settings.defaults) {
        // Checked once here: a bad default is a bad option, not a bad row.
        try {
            switch (field) {
                case ImportField::close_date:
                case ImportField::closed_at:
                case ImportField::created_at:
                case ImportField::updated_at:
                    parse_date(value, today_);
                    break;
                case ImportField::amount:
                    parse_amount_cell(value, default_currency_.digits());
                    break;
                case ImportField::currency:
                    Currency::parse(value);
                    break;
                case ImportField::stage:
                    if (!find_stage(value)) throw invalid_input("no such stage");
                    break;
                case ImportField::probability:
                    parse_probability_cell(value);
                    break;
                case ImportField::type:
                    parse_deal_type_cell(value);
                    break;
                case ImportField::name:
                case ImportField::org:
                case ImportField::contact:
                    checked_text("value", value, TextKind::name);
                    break;
                case ImportField::external_id:
                case ImportField::ignore:
                    throw invalid_input("a default is for a field of the deal, not its key");
                default:
                    checked_text("value", value, TextKind::line);
            }
        } catch (const Error& e) {
            throw invalid_input(fmt::format("invalid --default {}: {}",
                                            in_quotes(std::string(to_string(field)) + "=" + value),
                                            e.what()));
        }
        defaults_[field] = value;
    }
}

const Stage* RowConverter::find_stage(std::string_view text) const {
    const std::string word = lower(text);
    if (auto it = stage_map_.find(word); it != stage_map_.end()) return it->second;
    for (const auto& stage : stages_)
        if (iequals(stage.name, word) || iequals(stage.label, word)) return &stage;
    return nullptr;
}

std::optional<ImportedDeal> RowConverter::convert(std::int64_t row,
                                                  const std::vector<std::string>& cells,
                                                  std::vector<CellError>& errors) const {
    const std::size_t errors_at_start = errors.size();
    if (cells.size() != plan_.header.size()) {
        errors.push_back({row, "", "",
                          fmt::format("has {} field{}, the header has {}", cells.size(),
                                      cells.size() == 1 ? "" : "s", plan_.header.size())});
        return std::nullopt;
    }
    ImportedDeal deal;
    deal.currency = default_currency_;

    // The text of a field in this row, looked up when the column is of ids; a blank cell takes
    // the field's default. `column` names where it came from, for messages.
    struct Cell {
        std::string text;
        std::string column;
        bool from_default = false;
    };
    const auto cell = [&](ImportField field) -> std::optional<Cell> {
        const auto index = plan_.column_of(field);
        if (index) {
            // A cell an export made safe for spreadsheets reads as the text it stands for.
            std::string text(trim(spreadsheet_text(trim(cells[*index]))));
            if (const auto* lookup = plan_.lookups[*index]; lookup && !text.empty()) {
                const auto found = lookup->find(text);
                if (found == lookup->end()) {
                    errors.push_back(
                        {row, plan_.header[*index], text, "is not in the --lookup file"});
                    return std::nullopt;
                }
                text = found->second;
            }
            if (!text.empty()) return Cell{text, plan_.header[*index]};
        }
        if (auto it = defaults_.find(field); it != defaults_.end())
            return Cell{it->second, "--default " + std::string(to_string(field)), true};
        return std::nullopt;
    };
    const auto column_name = [&](ImportField field) {
        const auto index = plan_.column_of(field);
        return index ? plan_.header[*index] : "--default " + std::string(to_string(field));
    };
    const auto fail = [&](const Cell& from, ImportField field, const std::string& message) {
        errors.push_back({row, from.column, from.text,
                          fmt::format("invalid {}: {}", to_string(field), message)});
    };
    // Runs `parse` on the field's cell, if there is one; a failure is recorded.
    const auto read = [&](ImportField field, auto&& parse) {
        using Result = decltype(parse(std::declval<const Cell&>()));
        std::optional<Result> result;
        if (auto from = cell(field)) {
            try {
                result = parse(*from);
            } catch (const Error& e) {
                fail(*from, field, e.what());
            }
        }
        return result;
    };
    const auto date = [&](ImportField field) {
        return read(field, [&](const Cell& from) {
            return from.from_default ? parse_date(from.text, today_)
                                     : parse_date_in_format(from.text, date_format_);
        });
    };
    const auto timestamp = [&](ImportField field) {
        return read(field, [&](const Cell& from) {
            return from.from_default ? timestamp_at_start_of(parse_date(from.text, today_))
                                     : parse_timestamp_in_format(from.text, date_format_);
        });
    };
    // checked_text names the field itself: its messages are passed on as they are.
    const auto plain = [&](ImportField field, TextKind kind) -> std::optional<std::string> {
        if (auto from = cell(field)) {
            if (!is_valid_utf8(from->text)) {
                // Most often a spreadsheet saved the file in its own encoding.
                errors.push_back({row, from->column, "",
                                  fmt::format("invalid {}: not valid UTF-8 text (for a file in "
                                              "another encoding give --encoding, such as "
                                              "--encoding windows-1252)",
                                              to_string(field))});
                return std::nullopt;
            }
            try {
                return checked_text(to_string(field), from->text, kind);
            } catch (const Error& e) {
                errors.push_back({row, from->column, "", e.what()});
            }
        }
        return std::nullopt;
    };
    std::size_t before = errors.size();
    if (auto name = plain(ImportField::name, TextKind::name))
        deal.name = *name;
    else if (errors.size() == before)
        errors.push_back({row, "", "", "no name (give --default name=TEXT)"});
    before = errors.size();
    if (auto org = plain(ImportField::org, TextKind::name)) deal.org = *org;
    if (auto contact = plain(ImportField::contact, TextKind::name)) deal.contact = *contact;
    if (deal.org.empty() && deal.contact.empty() && errors.size() == before)
        errors.push_back({row, "", "", "no organization and no contact (give --default org=NAME)"});
    if (auto currency = read(ImportField::currency,
                             [](const Cell& from) { return Currency::parse(from.text); }))
        deal.currency = *currency;
    if (auto amount = read(ImportField::amount, [&](const Cell& from) {
            return parse_amount_cell(from.text, deal.currency.digits());
        }))
        deal.amount = Money{*amount, deal.currency};
    before = errors.size();
    deal.close_date = date(ImportField::close_date);
    if (!deal.close_date && errors.size() == before) {
        const auto index = plan_.column_of(ImportField::close_date);
        errors.push_back({row, index ? plan_.header[*index] : "", "",
                          "no close date (give --default close_date=DATE)"});
    }
    if (auto from = cell(ImportField::stage)) {
        deal.stage = find_stage(from->text);
        if (!deal.stage) {
            std::vector<std::string> names;
            for (const auto& stage : stages_)
                names.push_back(stage.name);
            fail(*from, ImportField::stage,
                 fmt::format("no such stage; map it with --stage-map {} (stages: {})",
                             in_quotes(from->text + "=STAGE"), join(names, ", ")));
        }
    }
    deal.probability = read(ImportField::probability,
                            [](const Cell& from) { return parse_probability_cell(from.text); });
    if (deal.probability && deal.stage && deal.stage->is_closed()) {
        const int forced = deal.stage->state == StageState::won ? 100 : 0;
        if (*deal.probability != forced)
            errors.push_back({row, plan_.header[*plan_.column_of(ImportField::probability)],
                              std::to_string(*deal.probability),
                              fmt::format("invalid probability: {} is a {} stage, whose "
                                          "probability is always {}",
                                          deal.stage->name, to_string(deal.stage->state), forced)});
    }
    deal.type =
        read(ImportField::type, [](const Cell& from) { return parse_deal_type_cell(from.text); });
    deal.next_step = plain(ImportField::next_step, TextKind::line);
    deal.description = plain(ImportField::description, TextKind::multiline);
    deal.owner = plain(ImportField::owner, TextKind::line);
    deal.source = plain(ImportField::source, TextKind::line);
    deal.lost_reason = plain(ImportField::lost_reason, TextKind::line);
    if (deal.lost_reason && !deal.lost_reason->empty() &&
        !(deal.stage && deal.stage->state == StageState::lost))
        errors.push_back({row, column_name(ImportField::lost_reason), *deal.lost_reason,
                          "invalid lost_reason: only a deal in a lost stage has one"});
    deal.created_at = timestamp(ImportField::created_at);
    deal.updated_at = timestamp(ImportField::updated_at);
    deal.closed_at = date(ImportField::closed_at);
    if (deal.closed_at && !(deal.stage && deal.stage->is_closed()))
        errors.push_back({row, column_name(ImportField::closed_at), format_date(*deal.closed_at),
                          "invalid closed_at: only a won or lost deal has one"});
    const auto key_column = plan_.key ? plan_.key : plan_.column_of(ImportField::external_id);
    if (key_column) {
        const std::string key(trim(cells[*key_column]));
        if (key.empty() && plan_.key) {
            errors.push_back({row, plan_.header[*key_column], "", "blank key"});
        } else if (!key.empty()) {
            try {
                deal.external_id = checked_text("key", key, TextKind::line);
            } catch (const Error& e) {
                errors.push_back({row, plan_.header[*key_column], "", e.what()});
            }
        }
    }
    if (errors.size() != errors_at_start) return std::nullopt;
    return deal;
}

}  // namespace funnel
