// opp list, opp show and opp history: the commands that read deals.
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/opp.hpp"
#include "commands/report.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "records.hpp"

namespace funnel::cli::opp {

// ---- opp list

OppQuery list_query(const ListOptions& options, Store& store, Date today) {
    OppQuery query;
    OppFilter& filter = query.filter;
    const int states = options.open + options.won + options.lost + options.closed + options.all;
    if (states > 1)
        throw invalid_input("give only one of --open, --won, --lost, --closed and --all");
    if (options.where)
        filter.where = parse_filter(*options.where, today, store.fields().all(FieldRecord::opp));
    if (!options.tags.empty()) {
        std::vector<Filter> parts;
        if (filter.where) parts.push_back(*filter.where);
        for (const auto& tag : parse_tags("--tag", join(options.tags, ",")))
            parts.push_back(has_tag(tag));
        filter.where = all_of(std::move(parts));
    }
    // Naming stages, or testing them or the day a deal closed, shows deals whatever their state.
    const bool names_states = !options.stages.empty() ||
                              (filter.where && (tests_field(*filter.where, FilterField::stage) ||
                                                tests_field(*filter.where, FilterField::closed)));
    filter.states = options.won                                      ? StateFilter::won
                    : options.lost                                   ? StateFilter::lost
                    : options.closed                                 ? StateFilter::closed
                    : options.all || (!options.open && names_states) ? StateFilter::all
                                                                     : StateFilter::open;
    const auto stages = store.stages().all();
    for (const auto& name : options.stages)
        filter.stage_ids.push_back(parse_stage_option(stages, "--stage", name).id);
    if (options.org) filter.org_id = store.parties().organization(*options.org).id;
    if (options.contact) filter.contact_id = store.parties().contact(*options.contact).id;
    if (options.owner) filter.owner = *options.owner;
    if (options.type) filter.type = parse_option("--type", *options.type, parse_deal_type);
    if (options.closing_from)
        filter.closing_from = parse_date_option("--closing-from", *options.closing_from, today);
    if (options.closing_to)
        filter.closing_to = parse_date_option("--closing-to", *options.closing_to, today);
    if (filter.closing_from && filter.closing_to)
        require_range("--closing-from", *filter.closing_from, "--closing-to", *filter.closing_to);
    if (options.overdue) filter.overdue_on = today;
    filter.no_amount = options.no_amount;
    if (options.search) filter.search = *options.search;
    query.sort = parse_option("--sort", options.sort.value_or("close"), parse_sort_keys);
    if (options.descending)
        for (auto& key : query.sort)
            key.descending = !key.descending;
    if (options.limit) query.limit = parse_count_option("--limit", *options.limit);
    return query;
}

namespace {

// Checks a value of list.sort, list.columns or list.where as opp list would read it.
void check_list_value(std::string_view key, const std::string& value, Date today,
                      const std::vector<CustomField>& fields) {
    if (key == "list.sort") parse_sort_keys(value);
    if (key == "list.columns") chosen_opportunity_columns(value, fields);
    if (key == "list.where") parse_filter(value, today, fields);
}

// The config's list.columns, list.sort and list.where, for the options not given; a bad one
// is refused naming where it was set.
ListOptions with_list_defaults(const ListOptions& options, const Session& session, Store& store) {
    ListOptions effective = options;
    const auto fields = store.fields().all(FieldRecord::opp);
    const auto configured = [&](std::string_view key, OptText& option) {
        if (option) return;
        const auto setting = session.setting(key);
        if (!setting) return;
        try {
            check_list_value(key, setting->value, session.today(), fields);
        } catch (const Error& e) {
            throw invalid_input(fmt::format("{}: {}: {}", setting->origin, key, e.what()));
        }
        option = setting->value;
    };
    configured("list.sort", effective.sort);
    configured("list.columns", effective.columns);
    configured("list.where", effective.where);
    return effective;
}

}  // namespace

void check_list_setting(std::string_view key, const std::string& value, const Session& session) {
    std::vector<CustomField> fields;
    if (std::filesystem::exists(session.data_file()))
        fields = session.read_store().fields().all(FieldRecord::opp);
    check_list_value(key, value, session.today(), fields);
}

void run_list(const ListOptions& given, Session& session) {
    Store store = session.read_store();
    const ListOptions options = with_list_defaults(given, session, store);
    const OppQuery query = list_query(options, store, session.today());
    std::int64_t count = 0;
    if (session.quiet()) {
        store.deals().for_each(query,
                               [&](const Opportunity& deal) { session.out() << deal.id << '\n'; });
        return;
    }
    // --columns: those, in that order, for people and scripts alike.
    std::vector<Column> columns = store.tags_in_use(FieldRecord::opp)
                                      ? with_tags_shown(opportunity_columns())
                                      : opportunity_columns();
    const std::size_t own_columns = columns.size();
    const auto custom = store.fields().all(FieldRecord::opp);
    std::optional<std::vector<std::size_t>> chosen;
    if (options.columns) {
        chosen = parse_option("--columns", *options.columns, [&](const std::string& text) {
            return chosen_opportunity_columns(text, custom);
        });
        std::vector<Column> shown;
        for (const auto index : *chosen) {
            if (index >= own_columns) {
                const auto& field = custom[index - own_columns];
                shown.push_back({field.name, field.label});
                continue;
            }
            shown.push_back(columns[index]);
            shown.back().audience = Audience::everyone;
        }
        columns = std::move(shown);
    }
    // --in: each deal's amount and weighted amount converted, open deals at today's rates,
    // closed ones at their close day's.
    const auto converter = report::converter_of(options.in, store, session.today());
    if (converter) {
        const std::string code(converter->currency().code());
        columns.insert(
            columns.end(),
            {{"converted_amount", "In " + code, Audience::everyone, Unit::amount},
             {"converted_weighted", "Weighted in " + code, Audience::machines, Unit::amount},
             {"converted_currency", "Converted into", Audience::machines},
             {"rate_day", "Rate day", Audience::machines}});
    }
    auto renderer = make_renderer(session.format(), session.out(), session.render_options());
    renderer->begin(columns);
    std::pair<std::int64_t, std::int64_t> converted_sums;
    // Per currency: amount and weighted amount of the deals shown.
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> sums;
    std::map<std::string, int> digits;
    // Only the table has a summary line; the machine formats stream rows and nothing else.
    const bool summed = session.format() == Format::table;
    store.deals().for_each(query, [&](const Opportunity& deal) {
        Row row = opportunity_row(deal, session.today());
        if (chosen) {
            Row shown;
            for (const auto index : *chosen)
                shown.push_back(index >= own_columns
                                    ? custom_field_cell(deal.fields, custom[index - own_columns])
                                    : std::move(row[index]));
            row = std::move(shown);
        }
        if (converter) {
            const Date day = deal.closed_at.value_or(session.today());
            const std::int64_t amount =
                converter->convert(deal.amount.minor, deal.amount.currency.code(), day);
            const std::int64_t weighted = weighted_minor(amount, deal.probability);
            const int to = converter->currency().digits();
            row.insert(row.end(), {decimal_cell(amount, to), decimal_cell(weighted, to),
                                   text_cell(std::string(converter->currency().code())),
                                   text_cell(format_date(day))});
            add_to(converted_sums.first, amount, "the converted total of the deals listed");
            add_to(converted_sums.second, weighted, "the converted weighted total");
        }
        renderer->row(row);
        ++count;
        if (!summed) return;
        auto& [amount, weighted] = sums[std::string(deal.amount.currency.code())];
        add_to(amount, deal.amount.minor, "the total of the deals listed");
        add_to(weighted, deal.weighted_minor(), "the weighted total of the deals listed");
        digits[std::string(deal.amount.currency.code())] = deal.amount.currency.digits();
    });
    if (count == 0 && session.format() == Format::table) {
        session.note("no opportunities match");
        return;
    }
    renderer->end();
    if (!summed) return;
    std::vector<std::string> parts;
    for (const auto& [code, sum] : sums)
        parts.push_back(fmt::format("{} {} total, {} weighted", code,
                                    format_units(sum.first, digits[code], Grouping::thousands),
                                    format_units(sum.second, digits[code], Grouping::thousands)));
    if (converter)
        parts.push_back(fmt::format(
            "in {} {} total, {} weighted", converter->currency().code(),
            format_units(converted_sums.first, converter->currency().digits(), Grouping::thousands),
            format_units(converted_sums.second, converter->currency().digits(),
                         Grouping::thousands)));
    session.out() << fmt::format("\n{}: {}\n", counted(count, "opportunity", "opportunities"),
                                 join(parts, "; "));
}

// ---- opp show

void run_show(const ShowOptions& options, Session& session) {
    Store store = session.read_store();
    const auto id = deal_id(store, options.id);
    Record record = opportunity_record(store.deals().get(id), session.today());
    record.sections.push_back(
        {"contacts", "Contacts", contact_links_table(store.related().contact_links(id))});
    record.sections.push_back({"quotes", "Quotes", quotes_table(store.related().quotes(id))});
    record.sections.push_back(
        {"documents", "Documents", documents_table(store.related().documents(id))});
    record.sections.push_back(
        {"lines", "Products and services", lines_table(store.related().lines(id))});
    ActivityQuery activities;
    activities.state = ActivityQuery::State::all;
    activities.opp_id = id;
    Table activity_rows{activity_columns(), {}};
    store.related().for_each_activity(activities, [&](const Activity& activity) {
        activity_rows.rows.push_back(activity_row(activity, session.today()));
    });
    record.sections.push_back({"activities", "Activities", std::move(activity_rows)});
    session.print(record);
}

// ---- opp history

void run_history(const HistoryOptions& options, Session& session) {
    Store store = session.read_store();
    const auto id = deal_id(store, options.id);
    Table table{history_columns(), {}};
    for (const auto& entry : store.history().of(id))
        table.rows.push_back(history_row(entry));
    session.print(table);
}

}  // namespace funnel::cli::opp
