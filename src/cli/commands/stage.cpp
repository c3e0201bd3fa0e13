#include <algorithm>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/stage.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "funnel/reports/analytics.hpp"
#include "records.hpp"

namespace funnel::cli::stage {

// The stage ids in their new order, with `moved` placed as asked (or where `fallback` puts it).
std::vector<std::int64_t> placed(const std::vector<Stage>& stages, std::int64_t moved,
                                 const Placement& placement, std::size_t fallback_index) {
    std::vector<std::int64_t> order;
    for (const auto& stage : stages)
        if (stage.id != moved) order.push_back(stage.id);
    std::size_t index = std::min(fallback_index, order.size());
    if (placement.after || placement.before) {
        const bool after = placement.after.has_value();
        const Stage& anchor = parse_stage_option(stages, after ? "--after" : "--before",
                                                 after ? *placement.after : *placement.before);
        if (anchor.id == moved)
            throw invalid_input(
                fmt::format("invalid {} {}: a stage cannot be placed next to itself",
                            after ? "--after" : "--before", anchor.name));
        index = std::size_t(std::find(order.begin(), order.end(), anchor.id) - order.begin()) +
                (after ? 1 : 0);
    }
    order.insert(order.begin() + std::ptrdiff_t(index), moved);
    return order;
}

std::string default_label(const std::string& name) {
    std::string label = name;
    std::replace(label.begin(), label.end(), '-', ' ');
    std::replace(label.begin(), label.end(), '_', ' ');
    if (!label.empty() && label[0] >= 'a' && label[0] <= 'z') label[0] = char(label[0] - 'a' + 'A');
    return label;
}

int stale_days_option(const std::string& value) {
    const auto days = parse_count_option("--stale-days", value);
    if (days > 3650)
        throw invalid_input(
            fmt::format("invalid --stale-days {}: expected 1 to 3650 days", in_quotes(value)));
    return static_cast<int>(days);
}

void refuse_duplicate(const std::vector<Stage>& stages, const std::string& name,
                      std::int64_t except_id) {
    for (const auto& stage : stages)
        if (stage.id != except_id && iequals(stage.name, name))
            throw conflict(fmt::format("a stage named {} already exists", in_quotes(stage.name)));
}

void print_stages(Store& store, const Session& session) {
    Table table{stage_columns(), {}};
    for (const auto& stage : store.stages().all())
        table.rows.push_back(stage_row(stage));
    session.print(table);
}

// After a change: the stages as they now are in machine formats, else a line.
void report(const Session& session, const std::string& line) {
    if (session.quiet()) return;
    if (session.machine_format()) {
        Store store = session.read_store();
        print_stages(store, session);
    } else {
        session.out() << line << '\n';
    }
}

void run_list(const ListOptions&, Session& session) {
    Store store = session.read_store();
    if (session.quiet()) {
        for (const auto& stage : store.stages().all())
            session.out() << stage.name << '\n';
        return;
    }
    print_stages(store, session);
}

void run_add(const AddOptions& options, Session& session) {
    Stage stage;
    stage.name = parse_option("NAME", options.name, normalize_stage_name);
    stage.label = options.label ? text_option("--label", *options.label, TextKind::name)
                                : default_label(stage.name);
    stage.state = options.state ? parse_option("--state", *options.state, parse_stage_state)
                                : StageState::open;
    if (stage.is_open()) {
        if (!options.probability)
            throw invalid_input("an open stage needs --probability (0 to 100)");
        if (!options.category)
            throw invalid_input(
                "an open stage needs --category (pipeline, best-case, commit or omitted)");
    }
    stage.probability = options.probability
                            ? parse_probability_option("--probability", *options.probability)
                        : stage.state == StageState::won ? 100
                                                         : 0;
    stage.category = options.category
                         ? parse_option("--category", *options.category, parse_forecast_category)
                     : stage.state == StageState::won ? ForecastCategory::closed
                                                      : ForecastCategory::omitted;
    if (options.stale_days) stage.stale_days = stale_days_option(*options.stale_days);
    validate_stage(stage);
    session.write([&](Store& store) {
        const auto stages = store.stages().all();
        refuse_duplicate(stages, stage.name, 0);
        // By default an open stage goes after the last open one, a closed stage at the end.
        std::size_t fallback = stages.size();
        if (stage.is_open()) {
            fallback = 0;
            for (std::size_t i = 0; i < stages.size(); ++i)
                if (stages[i].is_open()) fallback = i + 1;
        }
        Stage added = stage;
        added.position = int(stages.size()) + 1;
        added.id = store.stages().insert(added);
        auto all = stages;
        all.push_back(added);
        store.stages().reorder(placed(all, added.id, options.placement, fallback));
        return added.id;
    });
    report(session, fmt::format("Added stage {} ({}%, {})", stage.name, stage.probability,
                                to_string(stage.category)));
}

void run_set(const SetOptions& options, Session& session) {
    const OptText rename =
        options.rename ? OptText(parse_option("--rename", *options.rename, normalize_stage_name))
                       : std::nullopt;
    const OptText label = options.label
                              ? OptText(text_option("--label", *options.label, TextKind::name))
                              : std::nullopt;
    const auto probability =
        options.probability
            ? std::optional(parse_probability_option("--probability", *options.probability))
            : std::nullopt;
    const auto category =
        options.category
            ? std::optional(parse_option("--category", *options.category, parse_forecast_category))
            : std::nullopt;
    const auto stale_days =
        options.stale_days ? std::optional(stale_days_option(*options.stale_days)) : std::nullopt;
    const Stage changed = session.write([&](Store& store) {
        const auto stages = store.stages().all();
        Stage stage = parse_stage_option(stages, "stage", options.name);
        if (rename) {
            refuse_duplicate(stages, *rename, stage.id);
            stage.name = *rename;
        }
        if (label) stage.label = *label;
        if (probability) stage.probability = *probability;
        if (category) stage.category = *category;
        if (stale_days) stage.stale_days = *stale_days;
        validate_stage(stage);
        store.stages().update(stage);
        if (options.placement.after || options.placement.before) {
            const auto index =
                std::size_t(std::find_if(stages.begin(), stages.end(),
                                         [&](const Stage& s) { return s.id == stage.id; }) -
                            stages.begin());
            store.stages().reorder(placed(stages, stage.id, options.placement, index));
        }
        return stage;
    });
    report(session, fmt::format("Updated stage {} ({}%, {})", changed.name, changed.probability,
                                to_string(changed.category)));
}

void run_remove(const RemoveOptions& options, Session& session) {
    const std::string removed = session.write([&](Store& store) {
        const auto stages = store.stages().all();
        const Stage& stage = parse_stage_option(stages, "stage", options.name);
        const auto same_state = std::count_if(
            stages.begin(), stages.end(), [&](const Stage& s) { return s.state == stage.state; });
        if (same_state == 1)
            throw conflict(fmt::format(
                "cannot remove {}: it is the only {} stage, and there must always be one",
                stage.name, to_string(stage.state)));
        if (store.stages().ever_used(stage.id))
            throw conflict(
                fmt::format("cannot remove {}: opportunities are or were in it (rename it instead)",
                            stage.name));
        store.stages().remove(stage.id);
        std::vector<std::int64_t> order;
        for (const auto& s : stages)
            if (s.id != stage.id) order.push_back(s.id);
        store.stages().reorder(order);
        return stage.name;
    });
    if (!session.quiet()) session.out() << fmt::format("Removed stage {}\n", removed);
}

void run_calibrate(const CalibrateOptions& options, Session& session) {
    CalibrationQuery query;
    if (options.min_deals)
        query.min_deals = int(parse_count_option("--min-deals", *options.min_deals));
    if (options.from) query.from = parse_date_option("--from", *options.from, session.today());
    if (options.to) query.to = parse_date_option("--to", *options.to, session.today());
    if (query.from && query.to) require_range("--from", *query.from, "--to", *query.to);
    if (options.min_dwell)
        query.min_dwell_seconds = parse_dwell_option("--min-dwell", *options.min_dwell);
    Store reader = session.read_store();
    const auto calibrations = calibrate_stages(reader, query);
    if (!session.quiet()) {
        Report report;
        report.title = "Stage probabilities that history supports";
        report.table = calibration_table(calibrations);
        report.notes.push_back(fmt::format(
            "Proposed: (won + {0} x probability) / (closed + {0}), the observed win rate of the "
            "closed deals that entered the stage, shrunk toward today's probability as if {0} more "
            "deals had closed at it; stages with fewer than {1} closed deals keep theirs. A deal "
            "that left a stage within {2} minutes did not enter it (--min-dwell).",
            calibration_prior_weight, query.min_deals, query.min_dwell_seconds / 60));
        render_report(session.format(), session.out(), session.render_options(), report);
    }
    if (!options.apply) return;
    // The stages' defaults change, and so does every open deal still at its stage's old default:
    // otherwise the forecast would not move. A deal whose probability was set by hand keeps it.
    const auto [stages_changed, deals_moved] = session.write([&](Store& store) {
        int stages = 0;
        std::int64_t deals = 0;
        for (const auto& calibration : calibrations) {
            const Stage& old = calibration.stage;
            if (calibration.proposed == old.probability) continue;
            Stage stage = old;
            stage.probability = calibration.proposed;
            store.stages().update(stage);
            ++stages;
            OppQuery query;
            query.filter.stage_ids = {stage.id};
            query.sort = {{OppSort::id}};
            std::vector<Opportunity> at_default;
            store.deals().for_each(query, [&](const Opportunity& deal) {
                if (deal.probability == old.probability) at_default.push_back(deal);
            });
            const std::string note =
                fmt::format("stage calibrate: {}'s default probability went from {}% to {}%",
                            stage.name, old.probability, stage.probability);
            for (const auto& before : at_default) {
                Opportunity after = before;
                after.probability = stage.probability;
                store.deals().update(before, after, session.now(), note);
                ++deals;
            }
        }
        return std::pair{stages, deals};
    });
    session.note(fmt::format("updated the probability of {} and of {} open deal{} at {} default",
                             counted(stages_changed, "stage", "stages"), deals_moved,
                             deals_moved == 1 ? "" : "s", stages_changed == 1 ? "its" : "their"));
}

// The command-line definitions.

namespace {

// What a deal in the stage gets by default: stage add and stage set.
void add_default_options(Command& command, OptText& probability, OptText& category) {
    command.option("--probability", probability, "Default probability, 0-100").type_name("0-100");
    command.option("--category", category, "pipeline, best-case, commit, closed or omitted")
        .type_name("CATEGORY");
}

void add_placement_options(Command& command, Placement& placement) {
    auto after = command.option("--after", placement.after, "Place it right after this stage")
                     .type_name("STAGE");
    command.option("--before", placement.before, "Place it right before this stage")
        .type_name("STAGE")
        .excludes(after);
}

}  // namespace

void setup(Command& group) {
    {
        auto options = std::make_shared<ListOptions>();
        auto command = group.subcommand("list", "List the stages in order");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<AddOptions>();
        auto command = group.subcommand("add", "Add a stage");
        command.option("NAME", options->name, "Its name: letters, digits, '-' and '_'").required();
        add_placement_options(command, options->placement);
        add_default_options(command, options->probability, options->category);
        command.option("--state", options->state, "open (default), won or lost")
            .type_name("open|won|lost");
        command.option("--label", options->label, "What people read").type_name("TEXT");
        command
            .option("--stale-days", options->stale_days,
                    "Days without change before a deal is stale (30)")
            .type_name("N");
        command.on_run(options, run_add);
    }
    {
        auto options = std::make_shared<SetOptions>();
        auto command = group.subcommand("set", "Change a stage");
        command.option("NAME", options->name, "Stage name or unique prefix").required();
        command.option("--label", options->label, "What people read").type_name("TEXT");
        add_default_options(command, options->probability, options->category);
        command.option("--rename", options->rename, "New name").type_name("NAME");
        add_placement_options(command, options->placement);
        command
            .option("--stale-days", options->stale_days,
                    "Days without change before a deal is stale")
            .type_name("N");
        command.on_run(options, run_set);
    }
    {
        auto options = std::make_shared<RemoveOptions>();
        auto command = group.subcommand("remove", "Remove a stage no deal is or was in");
        command.option("NAME", options->name, "Stage name or unique prefix").required();
        command.on_run(options, run_remove);
    }
    {
        auto options = std::make_shared<CalibrateOptions>();
        auto command =
            group.subcommand("calibrate", "Propose the probabilities that history supports");
        command.option("--min-deals", options->min_deals, "Closed deals a stage needs (default 10)")
            .type_name("N");
        command.option("--from", options->from, "Only deals closed on or after this day")
            .type_name("DATE");
        command.option("--to", options->to, "Only deals closed on or before this day")
            .type_name("DATE");
        command
            .option("--min-dwell", options->min_dwell,
                    "Count a stage only when a deal stayed in it this long (default 1h; 0: always)")
            .type_name("DURATION");
        command.flag("--apply", options->apply,
                     "Write the proposed probabilities, to the stages and to their open deals "
                     "still at the old default");
        command.on_run(options, run_calibrate);
    }
}

}  // namespace funnel::cli::stage
