// A row of an import made a deal (RowConverter): each cell checked, the stage found.
#include "funnel/formats/import.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"

namespace funnel {

StageMatcher::StageMatcher(std::vector<Stage> stages, Preset preset,
                           const std::vector<std::pair<std::string, std::string>>& stage_map)
    : stages_(std::move(stages)) {
    const auto stage_named = [&](std::string_view name) -> const Stage* {
        for (const auto& stage : stages_)
            if (iequals(stage.name, name)) return &stage;
        return nullptr;
    };
    // A stage of the file's own by the name or label the CRM writes beats the preset's folding.
    for (const auto& known : preset_stage_map(preset)) {
        if (own_stage(known.foreign)) continue;
        if (const Stage* stage = stage_named(known.ours)) {
            map_[lower_word(known.foreign)] = stage;
            if (known.folded) folded_.insert(lower_word(known.foreign));
        }
    }
    for (const auto& [foreign, ours] : stage_map) {
        const Stage* stage = stage_named(ours);
        if (!stage) {
            std::vector<std::string> names;
            for (const auto& s : stages_)
                names.push_back(s.name);
            throw invalid_input(
                fmt::format("invalid --stage-map {}: no stage {}; the stages are {}",
                            in_quotes(foreign + "=" + ours), in_quotes(ours), join(names, ", ")));
        }
        map_[lower_word(foreign)] = stage;
    }
}

const Stage* StageMatcher::own_stage(std::string_view text) const {
    const std::string word = lower_word(text);
    for (const auto& stage : stages_)
        if (iequals(stage.name, word) || iequals(stage.label, word)) return &stage;
    return nullptr;
}

const Stage* StageMatcher::find(std::string_view text) const {
    if (auto it = map_.find(lower_word(text)); it != map_.end()) return it->second;
    return own_stage(text);
}

bool StageMatcher::folds(std::string_view text) const {
    return folded_.count(lower_word(text)) > 0;
}

std::string StageMatcher::unknown(const std::string& text) const {
    std::vector<std::string> names;
    for (const auto& stage : stages_)
        names.push_back(stage.name);
    return fmt::format("no such stage; map it with --stage-map {} (stages: {})",
                       in_quotes(text + "=STAGE"), join(names, ", "));
}

void RowConverter::read_custom_fields(std::int64_t row, const std::vector<std::string>& cells,
                                      ImportedDeal& deal, std::vector<CellError>& errors) const {
    const int digits = deal.currency.digits();
    for (std::size_t i = 0; i < plan_.custom.size() && i < cells.size(); ++i) {
        const CustomField* field = plan_.custom[i];
        if (!field) continue;
        deal.fields_given.push_back(field->name);
        if (trim(cells[i]).empty()) continue;
        try {
            deal.fields.push_back({field->name, field->type,
                                   canonical_field_value(*field, cells[i], today_, digits)});
        } catch (const Error& e) {
            errors.push_back({row, plan_.header[i], cells[i], e.what()});
        }
    }
}

RowConverter::RowConverter(const ColumnPlan& plan, const ImportSettings& settings,
                           std::vector<Stage> stages, Currency default_currency, Date today,
                           const ZoneClock* zone)
    : plan_(plan),
      stages_(std::move(stages), settings.preset, settings.stage_map),
      default_currency_(settings.currency.value_or(default_currency)),
      date_format_(settings.date_format),
      today_(today),
      zone_(zone),
      strict_(settings.strict) {
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
                    if (!stages_.find(value)) throw invalid_input("no such stage");
                    break;
                case ImportField::probability:
                    parse_probability_cell(value);
                    break;
                case ImportField::type:
                    parse_deal_type_cell(value);
                    break;
                case ImportField::category:
                    parse_category_cell(value);
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
            if (from.from_default) return timestamp_at_start_of(parse_date(from.text, today_));
            const Timestamp moment = parse_timestamp_in_format(from.text, date_format_);
            return zone_ ? zone_->from_utc(moment) : moment;
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
            if (strict_) return parse_amount_cell(from.text, deal.currency.digits());
            return parse_amount_cell(from.text, deal.currency.digits(), &deal.amount_rounded);
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
        deal.stage = stages_.find(from->text);
        if (!deal.stage) fail(*from, ImportField::stage, stages_.unknown(from->text));
        if (deal.stage && stages_.folds(from->text)) deal.folded_from = trim(from->text);
    }
    deal.probability = read(ImportField::probability,
                            [](const Cell& from) { return parse_probability_cell(from.text); });
    if (deal.probability && deal.stage && deal.stage->is_closed()) {
        const int forced = deal.stage->state == StageState::won ? 100 : 0;
        if (*deal.probability != forced && strict_) {
            errors.push_back({row, column_name(ImportField::probability),
                              std::to_string(*deal.probability),
                              fmt::format("invalid probability: {} is a {} stage, whose "
                                          "probability is always {} (without --strict, the "
                                          "stage's is taken)",
                                          deal.stage->name, to_string(deal.stage->state), forced)});
        } else if (*deal.probability != forced) {
            // Exports keep the last open probability of many closed deals: the stage decides.
            deal.probability = forced;
            deal.probability_repaired = true;
        }
    }
    deal.type =
        read(ImportField::type, [](const Cell& from) { return parse_deal_type_cell(from.text); });
    deal.category = read(ImportField::category,
                         [](const Cell& from) { return parse_category_cell(from.text); });
    deal.next_step = plain(ImportField::next_step, TextKind::line);
    deal.description = plain(ImportField::description, TextKind::multiline);
    deal.owner = plain(ImportField::owner, TextKind::line);
    deal.source = plain(ImportField::source, TextKind::line);
    deal.lost_reason = plain(ImportField::lost_reason, TextKind::line);
    read_custom_fields(row, cells, deal, errors);
    if (const auto tags = plain(ImportField::tags, TextKind::line)) {
        try {
            deal.tags = parse_tags("tag", *tags);
        } catch (const Error& e) {
            errors.push_back({row, column_name(ImportField::tags), *tags, e.what()});
        }
    }
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
