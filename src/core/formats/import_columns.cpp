// Which column of an import is which field: the presets (funnel's export, Vtiger, Salesforce),
// --map, and the plan that checks them against the header.
#include "funnel/formats/import.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"

namespace funnel {

namespace {

constexpr std::array<std::pair<std::string_view, ImportField>, 21> field_names = {{
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
    {"category", ImportField::category},
    {"tags", ImportField::tags},
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
    {"Opportunity No.", ImportField::external_id},
    {"Opportunity Number", ImportField::external_id},
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
    {"Weighted Revenue", ImportField::ignore},
    {"Lost Reason", ImportField::lost_reason},
    {"Is Converted From Lead", ImportField::ignore},
    {"Converted From Lead", ImportField::ignore},
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
    {"Account.Name", ImportField::org},  // Data Loader, for a query of the account's name
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
    {"Owner.Name", ImportField::owner},
    {"ContactId", ImportField::ignore},
    {"Account ID", ImportField::ignore},
    {"Expected Revenue", ImportField::ignore},
    {"Expected Revenue Currency", ImportField::ignore},
    {"ExpectedRevenue", ImportField::ignore},
    {"Amount (converted)", ImportField::ignore},
    {"Amount (converted) Currency", ImportField::ignore},
    {"Expected Revenue (converted)", ImportField::ignore},
    {"Expected Revenue (converted) Currency", ImportField::ignore},
    {"Closed", ImportField::ignore},
    {"IsClosed", ImportField::ignore},
    {"Won", ImportField::ignore},
    {"IsWon", ImportField::ignore},
    {"IsDeleted", ImportField::ignore},
    {"Forecast Category", ImportField::category},
    {"ForecastCategory", ImportField::ignore},  // the API's coarser one; ...Name is the category
    {"ForecastCategoryName", ImportField::category},
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

}  // namespace

std::span<const PresetStage> preset_stage_map(Preset preset) {
    if (preset == Preset::generic) return {};
    // The default stages of Vtiger (both spellings: "Proposal/Price Quote" before 6,
    // "Proposal or Price Quote" since) and Salesforce, onto funnel's. Four have no stage of
    // their own in a new funnel file: they fold into the stage before them, and --create-stages
    // makes them, with the probabilities of this family of CRMs (SugarCRM's, which Vtiger and
    // SuiteCRM keep).
    static constexpr PresetStage standard_stages[] = {
        {"Prospecting", "prospecting"},
        {"Qualification", "prospecting", true, 20},
        {"Needs Analysis", "prospecting", true, 25},
        {"Value Proposition", "value-proposition"},
        {"Id. Decision Makers", "value-proposition", true, 40},
        {"Perception Analysis", "value-proposition", true, 50},
        {"Proposal/Price Quote", "quote-sent"},
        {"Proposal or Price Quote", "quote-sent"},
        {"Negotiation/Review", "renegotiation"},
        {"Negotiation or Review", "renegotiation"},
        {"Closed Won", "closed-won"},
        {"Closed Lost", "closed-lost"},
    };
    return standard_stages;
}

PresetChoice recognise_preset(const std::vector<std::string>& header) {
    constexpr Preset presets[] = {Preset::generic, Preset::vtiger, Preset::salesforce};
    const auto knows = [](Preset preset, std::string_view column) {
        const auto columns = preset_columns(preset);
        return std::any_of(columns.begin(), columns.end(), [&](const PresetColumn& known) {
            return iequals(known.header, column);
        });
    };
    // A preset's telling columns: those of the header it knows and no other preset does.
    std::vector<PresetChoice> fits;
    for (const Preset preset : presets) {
        PresetChoice choice{preset, {}};
        for (const auto& cell : header) {
            const std::string column(trim(cell));
            if (!knows(preset, column)) continue;
            if (std::none_of(std::begin(presets), std::end(presets),
                             [&](Preset other) { return other != preset && knows(other, column); }))
                choice.telling.push_back(column);
        }
        if (!choice.telling.empty()) fits.push_back(std::move(choice));
    }
    if (fits.empty()) return {Preset::generic, {}};
    if (fits.size() == 1) return fits.front();
    std::vector<std::string> each;
    for (const auto& fit : fits)
        each.push_back(fmt::format("{} ({})", to_string(fit.preset), quoted_list(fit.telling)));
    throw invalid_input(fmt::format("its columns fit more than one preset: {}; give --preset",
                                    join(each, " and ")));
}

std::string_view to_string(ImportField field) {
    for (const auto& [name, value] : field_names)
        if (value == field) return name;
    return "ignore";
}

ImportField parse_import_field(std::string_view text) {
    const std::string word = lower_word(text);
    for (const auto& [name, field] : field_names)
        if (name == word) return field;
    throw invalid_input("expected one of " + field_list());
}

Preset parse_preset(std::string_view text) {
    const std::string word = lower_word(text);
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
    const std::string word = lower_word(text);
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

    const auto custom_named = [&](std::string_view name) -> const CustomField* {
        for (const auto& field : settings.custom_fields)
            if (iequals(field.name, name)) return &field;
        return nullptr;
    };
    for (const auto& [column, name] : settings.custom_maps) {
        if (!column_named(column))
            throw invalid_input(fmt::format("invalid --map {}: the file has no such column; {}",
                                            in_quotes(column + "=field:" + name), columns_hint()));
        if (!custom_named(name))
            throw invalid_input(fmt::format(
                "invalid --map {}: the data file has no custom field {} of deals (funnel field "
                "add {} makes it)",
                in_quotes(column + "=field:" + name), in_quotes(name), name));
    }
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
    std::vector<bool> ids_columns;  // ids with no --lookup to name them
    for (std::size_t i = 0; i < plan.header.size(); ++i) {
        const std::string& name = plan.header[i];
        std::optional<ImportField> field;
        bool ids = false;
        const CustomField* custom = nullptr;
        for (const auto& [column, mapped] : settings.maps)
            if (iequals(column, name)) field = mapped;
        for (const auto& [column, mapped] : settings.custom_maps)
            if (iequals(column, name)) custom = custom_named(mapped);
        // funnel's own export writes a deal's custom fields as field:NAME.
        if (!field && !custom && name.size() > 6 && iequals(name.substr(0, 6), "field:"))
            custom = custom_named(name.substr(6));
        if (custom) field = ImportField::custom;
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
        plan.custom.push_back(custom);
        plan.lookups.push_back(lookup);
        ids_columns.push_back(ids && !lookup);
    }
    // Ids beside names for the same field (a Data Loader export's AccountId and Account.Name):
    // the names are read.
    for (std::size_t i = 0; i < plan.fields.size(); ++i)
        for (std::size_t j = 0; ids_columns[i] && j < plan.fields.size(); ++j)
            if (j != i && !ids_columns[j] && plan.fields[j] == plan.fields[i]) {
                std::erase(need_lookup, plan.header[i]);
                plan.fields[i] = ImportField::ignore;
                break;
            }
    if (!unknown.empty() && settings.strict)
        throw invalid_input(fmt::format(
            "the file has column{} that the {} preset does not know: {}; map each with --map "
            "'COLUMN=FIELD' (fields: {}), or --map 'COLUMN=ignore' to leave it out",
            unknown.size() == 1 ? "" : "s", to_string(settings.preset), quoted_list(unknown),
            field_list()));
    plan.unknown = std::move(unknown);
    // A field no column gives: the columns left out are where it most likely is.
    const std::string left_out =
        plan.unknown.empty() ? ""
                             : fmt::format(" (columns the {} preset does not know: {})",
                                           to_string(settings.preset), quoted_list(plan.unknown));
    if (!need_lookup.empty())
        throw invalid_input(fmt::format(
            "column {} holds record ids, not names: give --lookup '{}=FILE' with the export "
            "that names them (e.g. Account.csv), or --map '{}=ignore'",
            in_quotes(need_lookup.front()), need_lookup.front(), need_lookup.front()));
    for (std::size_t i = 0; i < plan.fields.size(); ++i) {
        if (plan.fields[i] == ImportField::ignore) continue;
        for (std::size_t j = i + 1; j < plan.fields.size(); ++j)
            if (plan.fields[j] == plan.fields[i] && plan.custom[j] == plan.custom[i])
                throw invalid_input(fmt::format(
                    "columns {} and {} both fill {}: map one of them to another field or to "
                    "ignore with --map",
                    in_quotes(plan.header[i]), in_quotes(plan.header[j]),
                    plan.custom[i] ? "field:" + plan.custom[i]->name
                                   : std::string(to_string(plan.fields[i]))));
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
            "--default name=TEXT" +
            left_out);
    if (!given(ImportField::close_date))
        throw invalid_input(
            "no column gives the close dates: map one with --map 'COLUMN=close_date' or give "
            "--default close_date=DATE" +
            left_out);
    if (!given(ImportField::org) && !given(ImportField::contact))
        throw invalid_input(
            "no column gives an organization or a contact: map one with --map 'COLUMN=org' or "
            "--map 'COLUMN=contact', or give --default org=NAME" +
            left_out);
    return plan;
}

}  // namespace funnel
