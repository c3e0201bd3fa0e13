#include "commands/calendar.hpp"

#include <ctime>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/calendar.hpp"

namespace funnel::cli::calendar {

namespace {

// DTSTAMP: now in UTC, or the start of the pinned day, so that pinned runs are reproducible.
std::string stamp(const Session& session) {
    const Timestamp now = session.now();
    if (now.ends_with("T00:00:00"))
        return fmt::format("{}{}{}T000000Z", now.substr(0, 4), now.substr(5, 2), now.substr(8, 2));
    const std::time_t seconds = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace

void run(const Options& options, Session& session) {
    AgendaQuery query;
    query.today = session.today();
    query.from = options.from ? parse_date_option("--from", *options.from, session.today())
                              : session.today();
    query.to = options.to ? parse_date_option("--to", *options.to, session.today())
                          : add_days(query.from, 14);
    require_range("--from", query.from, "--to", query.to);
    if (days_between(query.from, query.to) > 3660)
        throw invalid_input("the range is longer than ten years");
    if (options.owner) query.owner = text_option("--owner", *options.owner, TextKind::line);
    query.all = options.all;
    Store store = session.read_store();
    if (options.where)
        query.where =
            parse_filter(*options.where, session.today(), store.fields().all(FieldRecord::opp));
    const auto items = agenda(store, query);
    if (session.ics()) {
        session.out() << icalendar(items, store.calendar_id(), stamp(session));
        return;
    }
    if (session.quiet()) return;
    if (session.format() == Format::table) {
        if (items.empty()) {
            session.note(fmt::format("nothing due from {} to {}", format_date(query.from),
                                     format_date(query.to)));
            return;
        }
        session.out() << agenda_text(items, session.render_options().color);
        return;
    }
    session.print(agenda_table(items));
}

void setup(Command& funnel, GlobalOptions& globals) {
    auto options = std::make_shared<Options>();
    auto command =
        funnel.subcommand("calendar", "Close dates and activities by day, or as iCalendar");
    command.option("--from", options->from, "First day (default: today)").type_name("DATE");
    command.option("--to", options->to, "Last day (default: two weeks on)").type_name("DATE");
    command.option("--owner", options->owner, "Only this owner's").type_name("NAME");
    command.flag("--all", options->all, "Closed deals and done activities too");
    command
        .option("--where", options->where,
                "Only the deals this filter selects (docs/filters.md), and their activities")
        .type_name("EXPR");
    command.footer("--format ics writes an RFC 5545 calendar that calendar programs subscribe to.");
    command.on_run([options](Session& session) { run(*options, session); },
                   [&globals] { globals.ics_allowed = true; });
}

}  // namespace funnel::cli::calendar
