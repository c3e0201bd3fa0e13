#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/link.hpp"
#include "commands/opp.hpp"
#include "field_values.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "parties.hpp"
#include "records.hpp"

namespace funnel::cli::opp {

// The fields that add and edit share.

std::optional<int> probability_of(const DealFields& fields) {
    if (!fields.probability) return std::nullopt;
    return parse_probability_option("--probability", *fields.probability);
}

// Checks every value that needs no data file, so that bad input fails before anything opens.
void check_fields(const DealFields& fields, Date today) {
    if (fields.close) parse_date_option("--close", *fields.close, today);
    if (fields.currency) parse_currency_option("--currency", *fields.currency);
    probability_of(fields);
    if (fields.type) parse_option("--type", *fields.type, parse_deal_type);
    if (fields.next_step) text_option("--next-step", *fields.next_step, TextKind::line);
    if (fields.description) text_option("--description", *fields.description, TextKind::multiline);
    if (fields.owner) text_option("--owner", *fields.owner, TextKind::line);
    if (fields.source) text_option("--source", *fields.source, TextKind::line);
}

// Sets the plain text fields that are given.
void apply_text_fields(const DealFields& fields, Opportunity& deal) {
    if (fields.next_step)
        deal.next_step = text_option("--next-step", *fields.next_step, TextKind::line);
    if (fields.description)
        deal.description = text_option("--description", *fields.description, TextKind::multiline);
    if (fields.owner) deal.owner = text_option("--owner", *fields.owner, TextKind::line);
    if (fields.source) deal.source = text_option("--source", *fields.source, TextKind::line);
    if (fields.type) deal.type = parse_option("--type", *fields.type, parse_deal_type);
}

std::string summary(const Opportunity& deal) {
    return fmt::format("{} ({} {}%, {}, closes {})", deal.name, deal.stage, deal.probability,
                       format_money(deal.amount), format_date(deal.close_date));
}

// A won or lost deal closed on a day that has come.
void require_closed_by_today(const Opportunity& deal, Date today) {
    if (deal.is_open() || deal.close_date <= today) return;
    throw invalid_input(fmt::format(
        "invalid --close {}: a {} deal's close date is the day it closed, which cannot be after "
        "today ({})",
        format_date(deal.close_date), to_string(deal.state), format_date(today)));
}

// Prints the deal a command changed: its id with -q, its record in machine formats, else a line.
void report_change(const Session& session, const Opportunity& deal, const std::string& line) {
    if (session.quiet())
        session.out() << deal.id << '\n';
    else if (session.machine_format())
        session.print(opportunity_record(deal, session.today()));
    else
        session.out() << line << '\n';
}

// ---- opp add

void run_add(const AddOptions& options, Session& session) {
    const auto& f = options.fields;
    const std::string name = text_option("NAME", options.name, TextKind::name);
    check_fields(f, session.today());
    if (!f.org && !f.contact)
        throw invalid_input("an opportunity needs --org or --contact (or both)");
    const auto tags = parse_tags("--tag", join(f.tags, ","));
    const Opportunity deal = session.write([&](Store& store) {
        Opportunity deal;
        deal.name = name;
        const Currency currency = f.currency ? parse_currency_option("--currency", *f.currency)
                                             : session.new_currency(store);
        deal.amount = {f.amount ? parse_amount_option("--amount", *f.amount, currency) : 0,
                       currency};
        deal.close_date = parse_date_option("--close", *f.close, session.today());
        const auto stages = store.stages().all();
        const Stage* stage = nullptr;
        if (f.stage) {
            stage = &parse_stage_option(stages, "--stage", *f.stage);
        } else {
            for (const auto& candidate : stages)
                if (candidate.is_open() && !stage) stage = &candidate;
        }
        if (!stage) throw invalid_input("there is no open stage: give --stage");
        if (f.org) {
            const auto org = organization_named(store, session, "--org", *f.org, Missing::create);
            deal.org_id = org.id;
            deal.org = org.name;
        }
        if (f.contact) {
            const auto contact = contact_named(store, session, "--contact", *f.contact, deal.org_id,
                                               Missing::create);
            deal.contact_id = contact.id;
            deal.contact = contact.name;
        }
        deal.type = deal.org_id && store.parties().organization_has_won_deal(*deal.org_id)
                        ? DealType::existing_business
                        : DealType::new_business;
        deal.owner = session.default_owner();
        apply_text_fields(f, deal);
        deal.tags = tags;
        apply_field_settings(store, FieldRecord::opp, deal.fields, f.sets, {}, session.today(),
                             currency.digits());
        deal.created_at = deal.updated_at = deal.stage_changed_at = session.now();
        enter_first_stage(deal, *stage, probability_of(f));
        require_closed_by_today(deal, session.today());
        deal.id = store.deals().insert(deal);
        // The deal's own contact is its primary contact.
        if (deal.contact_id)
            store.related().set_primary_contact(deal.id, deal.contact_id, deal.created_at);
        auto added = store.deals().get(deal.id);
        session.hook("opp-add", std::nullopt, opportunity_record(added, session.today()));
        return added;
    });
    report_change(session, deal, fmt::format("Created opportunity {}: {}", deal.id, summary(deal)));
}

// ---- opp edit

std::string display_value(const Opportunity& deal, const std::string& field,
                          const std::optional<std::string>& stored) {
    if (field == "org") return deal.org.empty() ? "-" : deal.org;
    if (field == "contact") return deal.contact.empty() ? "-" : deal.contact;
    if (field == "stage") return deal.stage;
    if (field == "amount") return deal.no_amount ? "-" : format_money(deal.amount);
    if (field == "probability") return fmt::format("{}%", deal.probability);
    return stored ? *stored : "-";
}

std::string describe_changes(const Opportunity& before, const Opportunity& after) {
    std::vector<std::string> parts;
    for (const auto& change : changes_between(before, after)) {
        if (change.field == "description") {
            parts.push_back("description changed");
            continue;
        }
        parts.push_back(fmt::format("{} {} -> {}", change.field,
                                    display_value(before, change.field, change.old_value),
                                    display_value(after, change.field, change.new_value)));
    }
    return join(parts, "; ");
}

void run_edit(const EditOptions& options, Session& session) {
    const auto& f = options.fields;
    check_fields(f, session.today());
    const std::string note =
        options.note ? text_option("--note", *options.note, TextKind::line) : "";
    const Missing missing = options.create ? Missing::create : Missing::refuse;
    std::optional<std::optional<ForecastCategory>> category;  // set, to a category or to auto
    if (options.category)
        category = parse_option(
            "--category", *options.category,
            [](const std::string& text) -> std::optional<ForecastCategory> {
                const std::string word = ascii_lower(trim(text));
                if (word == "auto") return std::nullopt;
                const auto parsed = parse_forecast_category(word);
                if (parsed == ForecastCategory::closed)
                    throw invalid_input("expected commit, best-case, pipeline, omitted or auto");
                return parsed;
            });
    std::vector<Stage> stages;  // read once, for --stage
    const auto edit_one = [&](Store& store, std::int64_t id) {
        const Opportunity before = store.deals().get(id);
        Opportunity deal = before;
        if (options.name) deal.name = text_option("--name", *options.name, TextKind::name);
        if (category) deal.own_category = *category;
        // With lines, the amount is theirs, in their currency.
        const bool has_lines = store.related().lines_total(id).has_value();
        if (has_lines && (f.amount || f.currency))
            throw conflict(fmt::format(
                "opportunity {} has product lines: its amount is their sum ({}); change the lines "
                "(opp link/unlink) instead of {}",
                id, format_money(before.amount), f.amount ? "--amount" : "--currency"));
        if (f.currency) {
            const Currency currency = parse_currency_option("--currency", *f.currency);
            if (!f.amount) {
                // The same amount in the new currency, when its decimals allow.
                const auto text =
                    format_units(deal.amount.minor, deal.amount.currency.digits(), Grouping::none);
                deal.amount.minor =
                    parse_option("--currency", *f.currency, [&](const std::string&) {
                        try {
                            return parse_amount(text, currency.digits());
                        } catch (const Error&) {
                            throw invalid_input(fmt::format(
                                "the amount {} does not fit its decimals; give --amount too",
                                text));
                        }
                    });
            }
            deal.amount.currency = currency;
        }
        if (f.amount) {
            deal.amount.minor = parse_amount_option("--amount", *f.amount, deal.amount.currency);
            deal.no_amount = false;
        }
        if (f.close) deal.close_date = parse_date_option("--close", *f.close, session.today());
        if (f.org) {
            if (f.org->empty()) {
                deal.org_id.reset();
                deal.org.clear();
            } else {
                const auto org = organization_named(store, session, "--org", *f.org, missing);
                deal.org_id = org.id;
                deal.org = org.name;
            }
        }
        if (f.contact) {
            if (f.contact->empty()) {
                deal.contact_id.reset();
                deal.contact.clear();
            } else {
                const auto contact =
                    contact_named(store, session, "--contact", *f.contact, deal.org_id, missing);
                deal.contact_id = contact.id;
                deal.contact = contact.name;
            }
        }
        if (!deal.org_id && !deal.contact_id)
            throw invalid_input("an opportunity needs an organization or a contact (or both)");
        apply_text_fields(f, deal);
        apply_field_settings(store, FieldRecord::opp, deal.fields, f.sets, f.unsets,
                             session.today(), deal.amount.currency.digits());
        if (f.stage && stages.empty()) stages = store.stages().all();
        const Stage* stage = f.stage ? &parse_stage_option(stages, "--stage", *f.stage) : nullptr;
        if (stage && stage->id != deal.stage_id) {
            // Closing with --close: that is the day it closed.
            const Date on = f.close && stage->is_closed() ? deal.close_date : session.today();
            move_to_stage(deal, *stage, probability_of(f), on, std::nullopt);
        } else if (f.probability) {
            const int probability = *probability_of(f);
            if (!deal.is_open() && probability != deal.probability)
                throw invalid_input(fmt::format(
                    "invalid --probability {}: opportunity {} is {} in {}, so its probability "
                    "is {}",
                    probability, deal.id, to_string(deal.state), deal.stage, deal.probability));
            deal.probability = probability;
        }
        if (!deal.is_open() && deal.closed_at != deal.close_date)
            throw invalid_input(fmt::format(
                "invalid --close {}: opportunity {} is {}, so its close date is the day it "
                "closed ({}); `funnel opp stage {} {} --on DATE` moves that day",
                in_quotes(*f.close), id, to_string(deal.state), format_date(*deal.closed_at), id,
                deal.stage));
        require_closed_by_today(deal, session.today());
        store.deals().update(before, deal, session.now(), note);
        if (deal.contact_id != before.contact_id)
            store.related().set_primary_contact(id, deal.contact_id, session.now());
        return std::pair{before, store.deals().get(id)};
    };
    const auto changed = change_each(session, options.selection, "opp-edit", edit_one);
    const bool dry_run = options.selection.dry_run;
    report_changes(session, options.selection, changed,
                   [&](const Opportunity& before, const Opportunity& after) {
                       const std::string changes = describe_changes(before, after);
                       if (changes.empty())
                           return fmt::format("Opportunity {}: {}", after.id,
                                              dry_run ? "would not change" : "nothing changed");
                       return fmt::format("{} opportunity {}: {}",
                                          dry_run ? "Would update" : "Updated", after.id, changes);
                   });
}

// ---- opp stage

// What moving a deal to a stage did, for people.
std::string stage_line(const Opportunity& before, const Opportunity& after) {
    if (before.stage_id == after.stage_id && before.probability == after.probability &&
        before.closed_at == after.closed_at)
        return fmt::format("Opportunity {} is already in {} ({}%)", after.id, after.stage,
                           after.probability);
    if (before.stage_id == after.stage_id && after.closed_at && before.closed_at)
        return fmt::format("Opportunity {}: {} on {}, not {}", after.id, after.stage,
                           format_date(*after.closed_at), format_date(*before.closed_at));
    if (after.closed_at && after.state != StageState::open)
        return fmt::format("Opportunity {}: {} -> {} on {}", after.id, before.stage, after.stage,
                           format_date(*after.closed_at));
    return fmt::format("Opportunity {}: {} -> {}, probability {}% -> {}%", after.id, before.stage,
                       after.stage, before.probability, after.probability);
}

void run_stage(const StageOptions& options, Session& session) {
    // The last argument is the stage; those before it, the deals.
    Selection selection = options.selection;
    if (selection.selectors.empty())
        throw invalid_input("give the stage to move the opportunities to");
    const std::string stage_name = selection.selectors.back();
    selection.selectors.pop_back();
    const auto probability =
        options.probability
            ? std::optional<int>(parse_probability_option("--probability", *options.probability))
            : std::nullopt;
    const std::string note =
        options.note ? text_option("--note", *options.note, TextKind::line) : "";
    const auto reason =
        options.reason ? std::optional(text_option("--reason", *options.reason, TextKind::line))
                       : std::nullopt;
    const Date on =
        options.on ? parse_date_option("--on", *options.on, session.today()) : session.today();
    // A change dated with --on happened on that day, so history reports see when it happened;
    // it is recorded now, so views of the days before show what was known then.
    if (on > session.today())
        throw invalid_input(fmt::format("invalid --on {}: that is after today ({})",
                                        in_quotes(*options.on), format_date(session.today())));
    const Timestamp when = options.on ? timestamp_at_start_of(on) : session.now();
    std::vector<Stage> stages;  // read once
    const auto stage_one = [&](Store& store, std::int64_t id) {
        const Opportunity before = store.deals().get(id);
        if (stages.empty()) stages = store.stages().all();
        const Stage& stage = parse_stage_option(stages, "stage", stage_name);
        Opportunity deal = before;
        move_to_stage(deal, stage, probability, on, reason);
        store.deals().update(before, deal, when, note, session.now());
        return std::pair{before, store.deals().get(id)};
    };
    report_changes(session, selection, change_each(session, selection, "opp-stage", stage_one),
                   [&](const Opportunity& before, const Opportunity& after) {
                       return (selection.dry_run ? "Dry run: " : "") + stage_line(before, after);
                   });
}

// ---- opp delete

namespace {

// "its 4 history entries, 1 quote and 2 product lines": what goes with the deal.
std::string deleted_with(const DealDependents& d) {
    std::vector<std::string> parts{counted(d.history, "history entry", "history entries")};
    if (d.contacts) parts.push_back(counted(d.contacts, "contact link", "contact links"));
    if (d.quotes) parts.push_back(counted(d.quotes, "quote", "quotes"));
    if (d.documents) parts.push_back(counted(d.documents, "document", "documents"));
    if (d.lines) parts.push_back(counted(d.lines, "product line", "product lines"));
    return "its " + join_with_and(parts);
}

std::string activities_kept(const DealDependents& d) {
    if (!d.activities) return "";
    return fmt::format("; {} {} kept, no longer linked to it",
                       counted(d.activities, "activity", "activities"),
                       d.activities == 1 ? "is" : "are");
}

}  // namespace

void run_delete(const DeleteOptions& options, Session& session) {
    const Selection& selection = options.selection;
    std::vector<std::pair<Opportunity, DealDependents>> seen;
    {
        Store reader = session.read_store();
        for (const auto id :
             selected_deals(reader, selection.selectors, selection.where, session.today()))
            seen.emplace_back(reader.deals().get(id), reader.deals().dependents(id));
    }
    if (seen.empty()) {
        if (!session.quiet()) session.out() << "No opportunity matches: nothing deleted\n";
        return;
    }
    if (!selection.dry_run) {
        if (seen.size() == 1) {
            const auto& [deal, dependents] = seen.front();
            session.confirm_delete(
                options.yes, fmt::format("opportunity {}", deal.id),
                fmt::format("Delete opportunity {} '{}' with {}{}?", deal.id, deal.name,
                            deleted_with(dependents), activities_kept(dependents)));
        } else {
            session.confirm_delete(
                options.yes, counted(std::int64_t(seen.size()), "opportunity", "opportunities"),
                fmt::format("Delete {} ({} to {}) with their history, quotes, documents and "
                            "lines?",
                            counted(std::int64_t(seen.size()), "opportunity", "opportunities"),
                            seen.front().first.id, seen.back().first.id));
        }
    }
    std::vector<DealDependents> gone;
    session.write_once([&](Store& store) {
        gone.clear();
        for (const auto& [deal, dependents] : seen) {
            store.deals().get(deal.id);  // it may have gone meanwhile
            gone.push_back(store.deals().dependents(deal.id));
            store.deals().remove(deal.id, session.now());
            session.hook("opp-delete", opportunity_record(deal, session.today()), std::nullopt);
        }
        return !selection.dry_run;
    });
    for (std::size_t i = 0; i < seen.size(); ++i) {
        const Opportunity& deal = seen[i].first;
        const std::string what = fmt::format("{}, with {}{}", deal.name, deleted_with(gone[i]),
                                             activities_kept(gone[i]));
        if (selection.dry_run && !session.quiet())
            session.out() << fmt::format("Dry run: would delete opportunity {}: {}\n", deal.id,
                                         what);
        else
            report_deleted(session, "opportunity", deal.id, what);
    }
    if (seen.size() > 1 && !session.quiet())
        session.out() << (selection.dry_run
                              ? fmt::format("Dry run: {} would be deleted; nothing was written\n",
                                            counted(std::int64_t(seen.size()), "opportunity",
                                                    "opportunities"))
                              : fmt::format("{} deleted\n",
                                            counted(std::int64_t(seen.size()), "opportunity",
                                                    "opportunities")));
}

// The command-line definitions.

void setup(Command& group) {
    Command& opp = group;

    {
        auto options = std::make_shared<AddOptions>();
        auto command = opp.subcommand("add", "Add an opportunity");
        command.option("NAME", options->name, "What the deal is").required();
        add_deal_options(command, options->fields, true);
        command.on_run(options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command = opp.subcommand("list", "List opportunities (open ones by default)");
        add_list_options(command, *options, true);
        command
            .option("--columns", options->columns,
                    "These columns, in this order: id,name,amount,close,owner,next_step, ... "
                    "(any field of the JSON rows)")
            .type_name("LIST");
        command.option("--in", options->in, "Amounts converted into it too (funnel fx)")
            .type_name("CUR");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<ShowOptions>();
        auto command = opp.subcommand("show", "Show one opportunity");
        command.option("ID", options->id, "Opportunity id or name").required();
        command.on_run(options, run_show);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto command = opp.subcommand("edit", "Change fields of opportunities");
        command.option("IDS", options->selection.selectors,
                       "Opportunities: ids, ranges (5-9) or names; or give --where");
        command.option("--name", options->name, "New name").type_name("NAME");
        add_deal_options(command, options->fields, false);
        command
            .option("--category", options->category,
                    "The deal's forecast category: commit, best-case, pipeline, omitted, or auto "
                    "(its stage's)")
            .type_name("CATEGORY");
        command.option("--note", options->note, "Why, recorded in the history").type_name("TEXT");
        command.flag("--create", options->create,
                     "Create the --org or --contact named when none has that name");
        add_selection_options(command, options->selection);
        command.on_run(options, run_edit);
    }
    {
        auto options = std::make_shared<StageOptions>();
        auto command = opp.subcommand("stage", "Move opportunities to a stage");
        command
            .option("ARGS", options->selection.selectors,
                    "Opportunities (ids, ranges 5-9 or names; or give --where), then the stage "
                    "(its name or a unique prefix)")
            .required();
        command
            .option("--probability", options->probability,
                    "Probability instead of the stage's default")
            .type_name("0-100");
        command.option("--note", options->note, "Why, recorded in the history").type_name("TEXT");
        command.option("--reason", options->reason, "Why the deal was lost (lost stages)")
            .type_name("TEXT");
        command.option("--on", options->on, "When it happened (default: today)").type_name("DATE");
        add_selection_options(command, options->selection);
        command.on_run(options, run_stage);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto command = opp.subcommand(
            "delete", "Delete opportunities, their history, quotes, documents and lines");
        command.option("IDS", options->selection.selectors,
                       "Opportunities: ids, ranges (5-9) or names; or give --where");
        command.flag("-y,--yes", options->yes, "Do not ask for confirmation");
        add_selection_options(command, options->selection);
        command.on_run(options, run_delete);
    }
    setup_tag(opp);
    {
        auto options = std::make_shared<HistoryOptions>();
        auto command =
            opp.subcommand("history", "Every recorded change of an opportunity, oldest first");
        command.option("ID", options->id, "Opportunity id or name").required();
        command.on_run(options, run_history);
    }
    link::setup(opp);
}

}  // namespace funnel::cli::opp
