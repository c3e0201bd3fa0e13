// import history: a CRM's snapshots of deals, read and packed, then each deal's history rebuilt.
#include "funnel/formats/history_import.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

namespace {

struct Named {
    std::string_view name;
    HistoryField field;
};

constexpr Named history_field_names[] = {
    {"opportunity", HistoryField::opportunity},
    {"at", HistoryField::at},
    {"stage", HistoryField::stage},
    {"amount", HistoryField::amount},
    {"currency", HistoryField::currency},
    {"close_date", HistoryField::close_date},
    {"probability", HistoryField::probability},
    {"category", HistoryField::category},
    {"deleted", HistoryField::deleted},
    {"ignore", HistoryField::ignore},
};

// Salesforce's OpportunityHistory object, as Data Loader and the API export it.
constexpr Named salesforce_history_columns[] = {
    {"OpportunityId", HistoryField::opportunity}, {"CreatedDate", HistoryField::at},
    {"StageName", HistoryField::stage},           {"Amount", HistoryField::amount},
    {"CurrencyIsoCode", HistoryField::currency},  {"CloseDate", HistoryField::close_date},
    {"Probability", HistoryField::probability},   {"ForecastCategory", HistoryField::category},
    {"IsDeleted", HistoryField::deleted},
};

// Vtiger's potential stage history table (vtiger_potstagehistory) as CSV.
constexpr Named vtiger_history_columns[] = {
    {"potentialid", HistoryField::opportunity},
    {"lastmodified", HistoryField::at},
    {"stage", HistoryField::stage},
    {"amount", HistoryField::amount},
    {"closedate", HistoryField::close_date},
    {"probability", HistoryField::probability},
    {"expectedrevenue", HistoryField::ignore},
    {"historyid", HistoryField::ignore},
};

std::span<const Named> preset_history_columns(Preset preset) {
    switch (preset) {
        case Preset::salesforce:
            return salesforce_history_columns;
        case Preset::vtiger:
            return vtiger_history_columns;
        case Preset::generic:
            break;
    }
    return std::span<const Named>(history_field_names).first(std::size(history_field_names) - 1);
}

std::string history_field_list() {
    std::vector<std::string> names;
    for (const auto& named : history_field_names)
        names.emplace_back(named.name);
    return join(names, ", ");
}

// Salesforce writes true/false; others 1/0 or yes/no.
bool is_deleted(std::string_view text) {
    const std::string word = lower_word(text);
    if (word.empty() || word == "false" || word == "0" || word == "no") return false;
    if (word == "true" || word == "1" || word == "yes") return true;
    throw invalid_input("expected true or false");
}

}  // namespace

std::string_view to_string(HistoryField field) {
    for (const auto& named : history_field_names)
        if (named.field == field) return named.name;
    return "ignore";
}

HistoryField parse_history_field(std::string_view text) {
    for (const auto& named : history_field_names)
        if (iequals(named.name, trim(text))) return named.field;
    throw invalid_input("expected one of " + history_field_list());
}

std::optional<std::size_t> HistoryPlan::column_of(HistoryField field) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == field) return i;
    return std::nullopt;
}

HistoryPlan plan_history_columns(const std::vector<std::string>& header,
                                 const HistorySettings& settings) {
    HistoryPlan plan;
    for (const auto& name : header)
        plan.header.emplace_back(trim(name));
    for (const auto& map : settings.maps)
        if (std::none_of(plan.header.begin(), plan.header.end(),
                         [&](const std::string& name) { return iequals(name, map.first); }))
            throw invalid_input(
                fmt::format("invalid --map {}: the file has no such column; the columns are {}",
                            in_quotes(map.first + "=" + std::string(to_string(map.second))),
                            quoted_list(plan.header)));
    std::vector<std::string> unknown;
    for (const auto& name : plan.header) {
        std::optional<HistoryField> field;
        for (const auto& [column, mapped] : settings.maps)
            if (iequals(column, name)) field = mapped;
        if (!field)
            for (const auto& known : preset_history_columns(settings.preset))
                if (iequals(known.name, name)) field = known.field;
        if (!field) {
            unknown.push_back(name);
            field = HistoryField::ignore;
        }
        plan.fields.push_back(*field);
    }
    if (!unknown.empty() && settings.preset == Preset::generic)
        throw invalid_input(fmt::format(
            "the file has column{} that the generic preset does not know: {}; map each with "
            "--map 'COLUMN=FIELD' (fields: {}), or --map 'COLUMN=ignore' to leave it out",
            unknown.size() == 1 ? "" : "s", quoted_list(unknown), history_field_list()));
    for (std::size_t i = 0; i < plan.fields.size(); ++i) {
        if (plan.fields[i] == HistoryField::ignore) continue;
        for (std::size_t j = i + 1; j < plan.fields.size(); ++j)
            if (plan.fields[j] == plan.fields[i])
                throw invalid_input(fmt::format(
                    "columns {} and {} both fill {}: map one of them to ignore with --map",
                    in_quotes(plan.header[i]), in_quotes(plan.header[j]),
                    to_string(plan.fields[i])));
    }
    if (!plan.column_of(HistoryField::opportunity))
        throw invalid_input(
            "no column names the deal of each row: map one with --map 'COLUMN=opportunity'");
    if (!plan.column_of(HistoryField::at))
        throw invalid_input(
            "no column says when each row was recorded: map one with --map 'COLUMN=at'");
    const auto has = [&](HistoryField field) { return plan.column_of(field).has_value(); };
    if (!has(HistoryField::stage) && !has(HistoryField::amount) && !has(HistoryField::close_date) &&
        !has(HistoryField::probability) && !has(HistoryField::category) &&
        !has(HistoryField::currency))
        throw invalid_input(
            "no column gives a value to keep: expected one of stage, amount, currency, "
            "close_date, probability or category");
    return plan;
}

HistoryImport::HistoryImport(Store& store, const HistoryPlan& plan, const HistorySettings& settings,
                             const ZoneClock* zone, std::string note)
    : plan_(plan),
      settings_(settings),
      zone_(zone),
      note_(std::move(note)),
      writer_(store),
      stages_(store.stages().all(), settings.preset, settings.stage_map),
      default_currency_(store.default_currency()) {
    const auto has = [&](HistoryField field) { return plan.column_of(field).has_value(); };
    fields_.stage = has(HistoryField::stage);
    fields_.amount = has(HistoryField::amount) || has(HistoryField::currency);
    fields_.close_date = has(HistoryField::close_date);
    fields_.probability = has(HistoryField::probability);
    fields_.category = has(HistoryField::category);
}

int HistoryImport::deal_index(const std::string& key) {
    if (auto it = keys_.find(key); it != keys_.end()) return it->second;
    DealRef ref;
    // The CRM presets' ids are that CRM's: only the generic preset also takes funnel's ids.
    if (const auto found = writer_.find(key, settings_.preset == Preset::generic)) {
        ref = {found->id, found->currency};
    } else {
        ++counts_.unknown_deals;
        if (counts_.unknown_keys.size() < 5) counts_.unknown_keys.push_back(key);
    }
    deals_.push_back(ref);
    keys_.emplace(key, int(deals_.size() - 1));
    return int(deals_.size() - 1);
}

void HistoryImport::add(std::int64_t row, const std::vector<std::string>& cells,
                        std::vector<CellError>& errors) {
    ++counts_.rows;
    if (cells.size() != plan_.header.size()) {
        errors.push_back({row, "", "",
                          fmt::format("has {} field{}, the header has {}", cells.size(),
                                      cells.size() == 1 ? "" : "s", plan_.header.size())});
        return;
    }
    const auto cell = [&](HistoryField field) -> std::string_view {
        const auto index = plan_.column_of(field);
        return index ? trim(spreadsheet_text(trim(cells[*index]))) : std::string_view();
    };
    const std::size_t errors_at_start = errors.size();
    // Runs `parse` on the field's cell when it is not blank; a failure is the row's error.
    const auto read = [&](HistoryField field, auto&& parse) {
        using Result = decltype(parse(std::string_view()));
        std::optional<Result> result;
        const std::string_view text = cell(field);
        if (text.empty()) return result;
        try {
            result = parse(text);
        } catch (const Error& e) {
            errors.push_back({row, plan_.header[*plan_.column_of(field)], std::string(text),
                              fmt::format("invalid {}: {}", to_string(field), e.what())});
        }
        return result;
    };
    if (read(HistoryField::deleted, is_deleted).value_or(false)) {
        ++counts_.deleted;
        return;
    }
    const std::string key(cell(HistoryField::opportunity));
    if (key.empty())
        errors.push_back({row, plan_.header[*plan_.column_of(HistoryField::opportunity)], "",
                          "no opportunity: each row names its deal"});
    const auto at = read(HistoryField::at, [&](std::string_view text) {
        const Timestamp moment = parse_timestamp_in_format(text, settings_.date_format);
        return zone_ ? zone_->from_utc(moment) : moment;
    });
    if (!at && cell(HistoryField::at).empty())
        errors.push_back({row, plan_.header[*plan_.column_of(HistoryField::at)], "",
                          "no moment: each row says when it was recorded"});
    Snapshot snapshot;
    snapshot.row = row;
    if (at) snapshot.at = *at;
    if (const auto stage = read(HistoryField::stage, [&](std::string_view text) {
            const Stage* found = stages_.find(text);
            if (!found) throw invalid_input(stages_.unknown(std::string(text)));
            return found->id;
        }))
        snapshot.stage_id = *stage;
    snapshot.currency =
        read(HistoryField::currency, [](std::string_view text) { return Currency::parse(text); });
    snapshot.close_date = read(HistoryField::close_date, [&](std::string_view text) {
        return parse_date_in_format(text, settings_.date_format);
    });
    snapshot.probability = read(HistoryField::probability, parse_probability_cell);
    if (const auto category = read(HistoryField::category, parse_category_cell))
        snapshot.category = *category == ForecastCategory::closed
                                ? std::optional<ForecastCategory>()
                                : std::optional(*category);
    // An amount in the row's currency, else the deal's (else the file's, to check it).
    const DealRef* deal = key.empty() ? nullptr : &deals_[std::size_t(deal_index(key))];
    const Currency amount_currency =
        snapshot.currency.value_or(deal && deal->id ? deal->currency : default_currency_);
    snapshot.amount_minor = read(HistoryField::amount, [&](std::string_view text) {
        return parse_amount_cell(text, amount_currency.digits());
    });
    if (errors.size() != errors_at_start) return;
    if (!deal->id) {
        ++counts_.unknown_rows;
        return;
    }
    writer_.stage(deal->id, snapshot);
    ++staged_;
}

void HistoryImport::finish(const std::function<void(const HistoryAction&)>& visit) {
    // About three changes a snapshot: a stage move with its probability, an amount or a date.
    writer_.expect(staged_ * 3);
    const auto& stages = stages_.stages();
    writer_.for_each_staged([&](std::int64_t id, const std::vector<Snapshot>& snapshots) {
        ++counts_.deals;
        const Opportunity deal = writer_.deal(id);
        const auto rebuild =
            rebuild_history(deal, writer_.changes_of(id), snapshots, fields_, stages);
        if (rebuild.unchanged) return;
        writer_.apply(deal, rebuild, note_);
        ++counts_.rebuilt;
        counts_.added += std::int64_t(rebuild.added.size());
        counts_.removed += std::int64_t(rebuild.removed.size());
        visit({deal.id, deal.name, std::int64_t(snapshots.size()),
               std::int64_t(rebuild.added.size()), std::int64_t(rebuild.removed.size())});
    });
    writer_.finish();
}

}  // namespace funnel
