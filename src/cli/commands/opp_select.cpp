// Which deals a command is about: by id, range, name or --where.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "opp.hpp"
#include "records.hpp"

namespace funnel::cli::opp {

namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// "5-9": a range of ids, not a name.
bool is_range(std::string_view text) {
    const auto dash = text.find('-');
    return dash != std::string_view::npos && dash > 0 && all_digits(text.substr(0, dash)) &&
           all_digits(text.substr(dash + 1));
}

// Every deal, open or closed, that `filter` selects.
std::vector<Opportunity> deals_where(Store& store, OppFilter filter) {
    filter.states = StateFilter::all;
    OppQuery query;
    query.filter = std::move(filter);
    query.sort = {{OppSort::id}};
    std::vector<Opportunity> deals;
    store.deals().for_each(query, [&](const Opportunity& deal) { deals.push_back(deal); });
    return deals;
}

}  // namespace

std::int64_t deal_id(Store& store, const std::string& selector) {
    // What looks like a number is an id, with the id's own rules (not 0, not -1).
    const std::string_view text = trim(selector);
    if (all_digits(text) || text.starts_with('-') || text.starts_with('+'))
        return store.deals().get(parse_id("opportunity", std::string(text))).id;
    if (text.empty()) throw invalid_input("invalid opportunity: expected an id or a name");
    Filter named;
    named.field = FilterField::name;
    named.values.push_back({fold_name(text), 1});
    OppFilter filter;
    filter.where = named;
    const auto deals = deals_where(store, filter);
    if (deals.empty())
        throw not_found(fmt::format("no opportunity with the id or name {}", in_quotes(text)));
    if (deals.size() > 1) {
        std::vector<std::string> each;
        for (const auto& deal : deals)
            each.push_back(fmt::format("{} {}{}", deal.id, in_quotes(deal.name),
                                       deal.org.empty() ? "" : fmt::format(" ({})", deal.org)));
        throw conflict(fmt::format("{} opportunities are named {}: {}; give the id", deals.size(),
                                   in_quotes(text), join(each, ", ")));
    }
    return deals.front().id;
}

std::vector<std::int64_t> selected_deals(Store& store, const std::vector<std::string>& selectors,
                                         const OptText& where, Date today) {
    if (selectors.empty() && !where)
        throw invalid_input("give the opportunities: ids (7), ranges (5-9), names, or --where");
    std::set<std::int64_t> ids;
    for (const auto& selector : selectors) {
        const std::string_view text = trim(selector);
        if (is_range(text)) {
            const auto dash = text.find('-');
            const auto from = parse_id("opportunity", std::string(text.substr(0, dash)));
            const auto to = parse_id("opportunity", std::string(text.substr(dash + 1)));
            if (from > to)
                throw invalid_input(fmt::format("invalid range {}: it runs backwards; write {}-{}",
                                                in_quotes(text), to, from));
            OppFilter filter;
            filter.ids = std::pair{from, to};
            const auto deals = deals_where(store, filter);
            if (deals.empty())
                throw not_found(fmt::format("no opportunity with an id from {} to {}", from, to));
            for (const auto& deal : deals)
                ids.insert(deal.id);
            continue;
        }
        ids.insert(deal_id(store, selector));
    }
    if (where) {
        OppFilter filter;
        filter.where = parse_filter(*where, today, store.fields().all(FieldRecord::opp));
        for (const auto& deal : deals_where(store, filter))
            ids.insert(deal.id);
    }
    return {ids.begin(), ids.end()};
}

}  // namespace funnel::cli::opp

namespace funnel::cli::opp {

std::vector<Changed> change_each(const Session& session, const Selection& selection,
                                 std::string_view event,
                                 const std::function<Changed(Store&, std::int64_t)>& change) {
    std::vector<Changed> changed;
    session.write_once([&](Store& store) {
        changed.clear();
        const auto ids =
            selected_deals(store, selection.selectors, selection.where, session.today());
        if (ids.size() > 100) store.prepare_for_many_changes();
        for (const auto id : ids) {
            changed.push_back(change(store, id));
            const auto& [before, after] = changed.back();
            if (!selection.dry_run && !changes_between(before, after).empty())
                session.hook(event, opportunity_record(before, session.today()),
                             opportunity_record(after, session.today()));
        }
        return !selection.dry_run;
    });
    return changed;
}

void report_changes(
    const Session& session, const Selection& selection, const std::vector<Changed>& changed,
    const std::function<std::string(const Opportunity&, const Opportunity&)>& line) {
    // One deal named once: as a change of one deal has always been reported.
    const bool one = selection.selectors.size() == 1 && !selection.where && changed.size() == 1 &&
                     !is_range(trim(selection.selectors.front()));
    if (session.machine_format() && !session.quiet() && !one) {
        Table table{opportunity_columns(), {}};
        for (const auto& [before, after] : changed)
            table.rows.push_back(opportunity_row(after, session.today()));
        session.print(table);
        return;
    }
    for (const auto& [before, after] : changed)
        report_change(session, after, line(before, after));
    if (one || session.quiet() || session.machine_format()) return;
    std::int64_t different = 0;
    for (const auto& [before, after] : changed)
        different += changes_between(before, after).empty() ? 0 : 1;
    const std::int64_t same = std::int64_t(changed.size()) - different;
    if (changed.empty())
        session.out() << "No opportunity matches: nothing changed\n";
    else if (selection.dry_run)
        session.out() << fmt::format(
            "Dry run: {} would change, {} would not; nothing was written\n",
            counted(different, "opportunity", "opportunities"), same);
    else
        session.out() << fmt::format("{} changed, {} already so\n",
                                     counted(different, "opportunity", "opportunities"), same);
}

void add_selection_options(Command& command, Selection& selection) {
    command
        .option("--where", selection.where,
                "The deals the filter selects, with or instead of ids (docs/filters.md)")
        .type_name("EXPR");
    command.flag("--dry-run", selection.dry_run, "Say what would change; write nothing");
}

}  // namespace funnel::cli::opp
