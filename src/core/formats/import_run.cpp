#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/import.hpp"

namespace funnel {

namespace {

// Values of custom fields in the fields' order.
std::vector<FieldValue> in_field_order(std::vector<FieldValue> values,
                                       const std::vector<CustomField>& fields) {
    const auto position = [&](const FieldValue& value) {
        for (const auto& field : fields)
            if (field.name == value.name) return field.position;
        return 0;
    };
    std::stable_sort(values.begin(), values.end(), [&](const FieldValue& a, const FieldValue& b) {
        return position(a) < position(b);
    });
    return values;
}

}  // namespace

namespace {

// Which deal a keyless row is: its organization, case-folded name and currency.
std::uint64_t identity_hash(std::string_view name, std::optional<std::int64_t> org_id,
                            std::string_view currency) {
    std::string key = fold_name(name);
    key += '\x1f';
    key += org_id ? std::to_string(*org_id) : "-";
    key += '\x1f';
    key += currency;
    return std::hash<std::string>{}(key);
}

// What an imported category makes the deal's own: a closed deal's "Closed" is no choice.
std::optional<ForecastCategory> own_category(const ImportedDeal& imported) {
    if (!imported.category || *imported.category == ForecastCategory::closed) return std::nullopt;
    return imported.category;
}

}  // namespace

std::string_view to_string(ImportAction::Kind kind) {
    switch (kind) {
        case ImportAction::Kind::update:
            return "update";
        case ImportAction::Kind::skip:
            return "skip";
        case ImportAction::Kind::create:
            break;
    }
    return "create";
}

DealImport::DealImport(Store& store, const ColumnPlan& plan, const RowConverter& converter,
                       const ImportSettings& settings, Timestamp now, std::string note)
    : store_(store),
      plan_(plan),
      converter_(converter),
      settings_(settings),
      writer_(store),
      now_(std::move(now)),
      note_(std::move(note)) {
    for (const auto& stage : converter_.stages())
        if (stage.is_open() && !first_open_) first_open_ = &stage;
    by_name_ = !plan.key && !plan.column_of(ImportField::external_id);
    counts_.matched_by_name = by_name_;
    if (by_name_)
        writer_.for_each_deal_identity([&](std::int64_t id, std::string_view name,
                                           std::optional<std::int64_t> org_id,
                                           std::string_view currency) {
            identities_.emplace_back(identity_hash(name, org_id, currency), id);
            if (std::size_t(id) >= matched_.size()) matched_.resize(std::size_t(id) + 1);
        });
    std::sort(identities_.begin(), identities_.end());
}

std::optional<std::int64_t> DealImport::same_deal(const ImportedDeal& deal) {
    if (identities_.empty()) return std::nullopt;
    const std::optional<std::int64_t> org_id =
        deal.org.empty() ? std::nullopt : writer_.organization_named(deal.org);
    if (!deal.org.empty() && !org_id) return std::nullopt;
    const std::uint64_t hash = identity_hash(deal.name, org_id, deal.currency.code());
    auto it = std::lower_bound(identities_.begin(), identities_.end(),
                               std::pair<std::uint64_t, std::int64_t>{hash, 0});
    // A hash is a hint: the deal itself decides. Each deal is matched once, so that a file with
    // two deals of one name imports again onto the two.
    for (; it != identities_.end() && it->first == hash; ++it) {
        if (matched_[std::size_t(it->second)]) continue;
        const auto found = store_.deals().find(it->second);
        if (found && found->org_id == org_id && found->amount.currency == deal.currency &&
            fold_name(found->name) == fold_name(deal.name)) {
            matched_[std::size_t(it->second)] = true;
            return it->second;
        }
    }
    return std::nullopt;
}

void DealImport::expect(std::int64_t rows) {
    // Building the indexes again costs about what writing the rows into them would for as many
    // rows as the file holds: worth it from a few thousand rows (8,800 deals: 0.79 s -> 0.55 s).
    if (bulk_ || rows < 2'000 || rows <= writer_.deal_count()) return;
    writer_.begin_bulk();
    bulk_ = true;
}

void DealImport::finish() {
    if (bulk_) writer_.finish_bulk();
    bulk_ = false;
}

std::optional<ImportAction> DealImport::add(std::int64_t row, const std::vector<std::string>& cells,
                                            std::vector<CellError>& errors) {
    ++counts_.rows;
    const auto imported = converter_.convert(row, cells, errors);
    if (!imported) return std::nullopt;
    auto action = add(row, *imported, errors);
    if (!action) return action;
    // What the row says, counted once it is in.
    if (imported->probability_repaired) ++counts_.probabilities_repaired;
    if (imported->amount_rounded) ++counts_.amounts_rounded;
    if (!imported->folded_from.empty()) {
        auto& fold = counts_.folded[imported->folded_from];
        fold.stage = imported->stage->name;
        ++fold.deals;
    }
    auto& totals = counts_.totals[std::string(imported->currency.code())];
    ++totals.deals;
    if (!imported->amount) ++totals.no_amount;
    const StageState state = imported->stage ? imported->stage->state : StageState::open;
    const std::int64_t amount = imported->amount ? imported->amount->minor : 0;
    auto& total = state == StageState::won    ? totals.won
                  : state == StageState::lost ? totals.lost
                                              : totals.open;
    if (total && __builtin_add_overflow(*total, amount, &*total)) total.reset();
    return action;
}

std::optional<ImportAction> DealImport::add(std::int64_t row, const ImportedDeal& imported,
                                            std::vector<CellError>& errors) {
    if (!imported.stage && !first_open_) {
        errors.push_back({row, "", "", "no stage, and the data file has no open stage"});
        return std::nullopt;
    }
    std::optional<std::int64_t> existing;
    if (!imported.external_id.empty())
        existing = writer_.deal_with_external_id(imported.external_id);
    else if (by_name_)
        existing = same_deal(imported);
    if (existing && settings_.on_duplicate != OnDuplicate::update) {
        if (settings_.on_duplicate == OnDuplicate::error) {
            const auto column = plan_.key ? plan_.key : plan_.column_of(ImportField::external_id);
            errors.push_back(
                {row, column ? plan_.header[*column] : "", imported.external_id,
                 fmt::format("an opportunity with this {} exists already (id {}); give "
                             "--on-duplicate skip or update",
                             by_name_ ? "organization, name and currency" : "key", *existing)});
            return std::nullopt;
        }
        ++counts_.skipped;
        return ImportAction{ImportAction::Kind::skip, row, *existing, imported.name, {}};
    }
    const auto org_id = organization(imported);
    const std::size_t errors_before = errors.size();
    const auto contact_id = contact(row, imported, org_id, errors);
    if (errors.size() != errors_before) return std::nullopt;
    try {
        if (existing) return update(row, *existing, imported, org_id, contact_id);
        return create(row, imported, org_id, contact_id);
    } catch (const Error& e) {
        // A rule of deals the row breaks (a close before the deal's creation): the row's error.
        if (e.kind() != ErrorKind::invalid) throw;
        errors.push_back({row, "", "", e.what()});
        return std::nullopt;
    }
}

std::optional<std::int64_t> DealImport::organization(const ImportedDeal& deal) {
    if (deal.org.empty()) return std::nullopt;
    if (auto id = writer_.organization_named(deal.org)) return id;
    ++counts_.organizations;
    return writer_.create_organization(deal.org, now_);
}

std::optional<std::int64_t> DealImport::contact(std::int64_t row, const ImportedDeal& deal,
                                                std::optional<std::int64_t> org_id,
                                                std::vector<CellError>& errors) {
    if (deal.contact.empty()) return std::nullopt;
    const auto found = writer_.contacts_named(deal.contact);
    if (found.empty()) {
        ++counts_.contacts;
        return writer_.create_contact(deal.contact, org_id, now_);
    }
    if (found.size() == 1) return found.front().first;
    // Several people of that name: the one at the deal's organization.
    std::vector<std::int64_t> at_org;
    for (const auto& [id, org] : found)
        if (org_id && org == org_id) at_org.push_back(id);
    if (at_org.size() == 1) return at_org.front();
    const auto column = plan_.column_of(ImportField::contact);
    errors.push_back({row, column ? plan_.header[*column] : "", deal.contact,
                      fmt::format("invalid contact: {} contacts have this name{}; rename one "
                                  "with funnel contact edit",
                                  found.size(), at_org.empty() ? "" : " at this organization")});
    return std::nullopt;
}

ImportAction DealImport::create(std::int64_t row, const ImportedDeal& imported,
                                std::optional<std::int64_t> org_id,
                                std::optional<std::int64_t> contact_id) {
    Opportunity deal;
    deal.name = imported.name;
    deal.org_id = org_id;
    deal.org = imported.org;
    deal.contact_id = contact_id;
    deal.contact = imported.contact;
    deal.amount = imported.amount.value_or(Money{0, imported.currency});
    deal.no_amount = !imported.amount;  // a blank cell: no amount yet, not 0
    const Stage& stage = imported.stage ? *imported.stage : *first_open_;
    // A closed deal's close date is the day it closed, when the file says which.
    deal.close_date =
        stage.is_closed() && imported.closed_at ? *imported.closed_at : *imported.close_date;
    deal.created_at = imported.created_at.value_or(now_);
    // What the file says is kept: its probability, and for a closed deal its close date.
    if (enter_first_stage(deal, stage, stage.is_open() ? imported.probability : std::nullopt))
        ++counts_.created_on_close;
    deal.lost_reason = imported.lost_reason.value_or("");
    deal.own_category = own_category(imported);
    deal.type = imported.type                                          ? *imported.type
                : org_id && writer_.organization_has_won_deal(*org_id) ? DealType::existing_business
                                                                       : DealType::new_business;
    deal.next_step = imported.next_step.value_or("");
    deal.description = imported.description.value_or("");
    deal.owner = imported.owner.value_or("");
    deal.source = imported.source.value_or("");
    deal.external_id = imported.external_id;
    deal.tags = imported.tags.value_or(std::vector<std::string>{});
    deal.fields = in_field_order(imported.fields, settings_.custom_fields);
    deal.stage_changed_at = deal.created_at;

    // A deal created before it closed was open in between: the history says so, so that the
    // reports that look back see it in the pipeline until the day it closed.
    std::vector<DatedChange> changes;
    if (stage.is_closed() && deal.closed_at) {
        const Timestamp closing = timestamp_at_start_of(*deal.closed_at);
        if (closing > deal.created_at) {
            changes.push_back(
                {closing, {"stage", std::to_string(first_open_->id), std::to_string(stage.id)}});
            if (first_open_->probability != deal.probability)
                changes.push_back({closing,
                                   {"probability", std::to_string(first_open_->probability),
                                    std::to_string(deal.probability)}});
            changes.push_back({closing, {"closed_at", std::nullopt, format_date(*deal.closed_at)}});
            if (!deal.lost_reason.empty())
                changes.push_back({closing, {"lost_reason", std::nullopt, deal.lost_reason}});
            deal.stage_changed_at = closing;
        }
    }
    // The last change is the file's, when it says; else the import, or a later close.
    deal.updated_at = imported.updated_at
                          ? std::max(*imported.updated_at, deal.created_at)
                          : std::max({now_, deal.created_at, deal.stage_changed_at});
    const std::int64_t id = writer_.insert(deal, note_, changes);
    ++counts_.created;
    return {ImportAction::Kind::create, row, id, deal.name, {}};
}

ImportAction DealImport::update(std::int64_t row, std::int64_t id, const ImportedDeal& imported,
                                std::optional<std::int64_t> org_id,
                                std::optional<std::int64_t> contact_id) {
    const Opportunity before = store_.deals().get(id);
    Opportunity after = before;
    // A field the file gives (a column, or a default) is set, blank cells included; the others
    // keep their values.
    const auto given = [&](ImportField field) {
        if (plan_.column_of(field)) return true;
        return std::any_of(settings_.defaults.begin(), settings_.defaults.end(),
                           [&](const auto& entry) { return entry.first == field; });
    };
    after.name = imported.name;
    if (given(ImportField::org)) {
        after.org_id = org_id;
        after.org = imported.org;
    }
    if (given(ImportField::contact)) {
        after.contact_id = contact_id;
        after.contact = imported.contact;
    }
    if (!after.org_id && !after.contact_id) {
        after.org_id = before.org_id;
        after.contact_id = before.contact_id;
    }
    if (given(ImportField::amount)) {
        after.amount = imported.amount.value_or(Money{0, imported.currency});
        after.no_amount = !imported.amount;
    }
    after.close_date = *imported.close_date;
    if (imported.stage && imported.stage->id != before.stage_id) {
        move_to_stage(after, *imported.stage,
                      imported.stage->is_open() ? imported.probability : std::nullopt,
                      imported.closed_at.value_or(after.close_date), imported.lost_reason);
    } else if (imported.probability && after.is_open()) {
        after.probability = *imported.probability;
    }
    if (!after.is_open()) close_on(after, imported.closed_at.value_or(after.close_date));
    if (imported.type) after.type = *imported.type;
    if (given(ImportField::category)) after.own_category = own_category(imported);
    const auto set_text = [&](ImportField field, std::string& value,
                              const std::optional<std::string>& text) {
        if (given(field)) value = text.value_or("");
    };
    set_text(ImportField::next_step, after.next_step, imported.next_step);
    set_text(ImportField::description, after.description, imported.description);
    set_text(ImportField::owner, after.owner, imported.owner);
    set_text(ImportField::source, after.source, imported.source);
    if (after.state == StageState::lost)
        set_text(ImportField::lost_reason, after.lost_reason, imported.lost_reason);
    if (given(ImportField::tags)) after.tags = imported.tags.value_or(std::vector<std::string>{});
    // A custom column gives the field's value, and its blank cell none.
    for (const auto& name : imported.fields_given)
        std::erase_if(after.fields, [&](const FieldValue& value) { return value.name == name; });
    after.fields.insert(after.fields.end(), imported.fields.begin(), imported.fields.end());
    after.fields = in_field_order(after.fields, settings_.custom_fields);

    ImportAction action{ImportAction::Kind::update, row, id, after.name, {}};
    for (const auto& change : changes_between(before, after))
        action.changed.push_back(change.field);
    if (!store_.deals().update(before, after, now_, note_)) {
        ++counts_.skipped;
        action.kind = ImportAction::Kind::skip;
        return action;
    }
    if (after.contact_id != before.contact_id)
        store_.related().set_primary_contact(id, after.contact_id, now_);
    ++counts_.updated;
    return action;
}

std::vector<Stage> create_preset_stages(Store& store, Preset preset) {
    std::vector<Stage> stages = store.stages().all();
    std::vector<std::int64_t> order;
    for (const auto& stage : stages)
        order.push_back(stage.id);
    const auto own = [&](std::string_view text) {
        return std::any_of(stages.begin(), stages.end(), [&](const Stage& stage) {
            return iequals(stage.name, text) || iequals(stage.label, text);
        });
    };
    // Each goes after the stage it folds into, or after the one made before it for that stage.
    std::map<std::string_view, std::int64_t> after;
    std::vector<Stage> created;
    for (const auto& known : preset_stage_map(preset)) {
        if (!known.folded || own(known.foreign)) continue;
        const auto target = std::find_if(stages.begin(), stages.end(), [&](const Stage& stage) {
            return iequals(stage.name, known.ours);
        });
        if (target == stages.end()) continue;  // renamed away: the import refuses its deals
        Stage stage;
        std::string name;
        for (const char c : lower_word(known.foreign))
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                name += c;
            else if (!name.empty() && name.back() != '-')
                name += '-';
        stage.name = normalize_stage_name(name);
        stage.label = std::string(known.foreign);
        stage.probability = known.probability;
        stage.category = target->category;
        stage.stale_days = target->stale_days;
        stage.position = int(order.size()) + 1;
        stage.id = store.stages().insert(stage);
        const auto anchor = after.try_emplace(known.ours, target->id).first;
        order.insert(std::find(order.begin(), order.end(), anchor->second) + 1, stage.id);
        anchor->second = stage.id;
        stages.push_back(stage);
        created.push_back(stage);
    }
    if (!created.empty()) store.stages().reorder(order);
    return created;
}

std::vector<Stage> remove_unused_stages(Store& store, const std::vector<Stage>& created) {
    std::vector<Stage> kept;
    for (const auto& stage : created) {
        if (store.stages().ever_used(stage.id))
            kept.push_back(stage);
        else
            store.stages().remove(stage.id);
    }
    if (kept.size() != created.size()) {
        std::vector<std::int64_t> order;
        for (const auto& stage : store.stages().all())
            order.push_back(stage.id);
        store.stages().reorder(order);
    }
    return kept;
}

}  // namespace funnel
