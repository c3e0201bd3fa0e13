#include "funnel/formats/calendar.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "funnel/domain/related.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/version.hpp"

namespace funnel {

std::vector<AgendaItem> agenda(Store& store, const AgendaQuery& query) {
    std::vector<AgendaItem> items;
    const auto wanted_owner = [&](const std::string& owner) {
        return !query.owner || iequals(owner, *query.owner);
    };

    OppQuery deals;
    deals.filter.states = query.all ? StateFilter::all : StateFilter::open;
    deals.filter.closing_to = query.to;
    if (query.owner) deals.filter.owner = *query.owner;
    deals.filter.where = query.where;
    store.deals().for_each(deals, [&](const Opportunity& deal) {
        const bool overdue = deal.is_open() && deal.close_date < query.today;
        if (!overdue && deal.close_date < query.from) return;
        items.push_back({deal.close_date, std::nullopt, true, "close", deal.id, deal.name, deal.id,
                         "", deal.org, deal.amount, deal.stage, deal.probability, std::nullopt,
                         deal.next_step, deal.owner, overdue, !deal.is_open()});
    });

    // With a filter, the activities of the deals it selects, whatever their close dates.
    std::optional<std::set<std::int64_t>> selected;
    if (query.where) {
        OppQuery all;
        all.filter.states = StateFilter::all;
        all.filter.where = query.where;
        selected.emplace();
        store.deals().for_each(all, [&](const Opportunity& deal) { selected->insert(deal.id); });
    }
    ActivityQuery activities;
    activities.state = query.all ? ActivityQuery::State::all : ActivityQuery::State::pending;
    activities.due_to = query.to;
    store.related().for_each_activity(activities, [&](const Activity& activity) {
        if (!wanted_owner(activity.owner)) return;
        if (selected && (!activity.opp_id || !selected->contains(*activity.opp_id))) return;
        const bool overdue = !activity.done_on && activity.due_date < query.today;
        if (!overdue && activity.due_date < query.from) return;
        items.push_back({activity.due_date, activity.due_minute, false,
                         std::string(to_string(activity.type)), activity.id, activity.subject,
                         activity.opp_id, activity.opp, activity.org, std::nullopt, "", 0,
                         activity.duration_minutes, activity.notes, activity.owner, overdue,
                         activity.done_on.has_value()});
    });

    // Overdue first, then by day; in a day, what has no time before what has one.
    std::stable_sort(items.begin(), items.end(), [](const AgendaItem& a, const AgendaItem& b) {
        const auto key = [](const AgendaItem& item) {
            return std::tuple(!item.overdue, item.date, item.minute.has_value(),
                              item.minute.value_or(0), !item.is_deal, item.id);
        };
        return key(a) < key(b);
    });
    return items;
}

Table agenda_table(const std::vector<AgendaItem>& items) {
    Table table{{{"section", "Section", Audience::machines},
                 {"date", "Date"},
                 {"time", "Time"},
                 {"kind", "Kind"},
                 {"id", "ID"},
                 {"title", "Title"},
                 {"deal_id", "Deal"},
                 {"org", "Organization"},
                 {"amount", "Amount"},
                 {"currency", "Cur"},
                 {"stage", "Stage"},
                 {"duration_minutes", "Minutes"},
                 {"owner", "Owner"},
                 {"overdue", "Overdue", Audience::machines},
                 {"done", "Done", Audience::machines}},
                {}};
    for (const auto& item : items) {
        const Style style = item.overdue ? Style::bad : item.done ? Style::dim : Style::plain;
        table.rows.push_back({
            text_cell(item.overdue ? "overdue" : format_date(item.date)),
            text_cell(format_date(item.date), style),
            item.minute ? text_cell(format_minute(*item.minute)) : null_cell(),
            text_cell(item.kind),
            integer_cell(item.id),
            text_cell(item.title, style),
            optional_integer_cell(item.deal_id),
            optional_text_cell(item.org),
            item.amount ? decimal_cell(item.amount->minor, item.amount->currency.digits())
                        : null_cell(),
            item.amount ? text_cell(std::string(item.amount->currency.code())) : null_cell(),
            optional_text_cell(item.stage),
            optional_integer_cell(item.duration_minutes),
            optional_text_cell(item.owner),
            bool_cell(item.overdue),
            bool_cell(item.done),
        });
    }
    return table;
}

namespace {

std::string describe(const AgendaItem& item) {
    std::vector<std::string> parts;
    if (item.is_deal) {
        if (!item.org.empty()) parts.push_back(item.org);
        if (item.amount) parts.push_back(format_money(*item.amount));
        parts.push_back(fmt::format("{} {}%", item.stage, item.probability));
    } else {
        if (item.duration_minutes) parts.push_back(fmt::format("{} min", *item.duration_minutes));
        if (item.deal_id) parts.push_back(fmt::format("deal {}", *item.deal_id));
        if (!item.org.empty()) parts.push_back(item.org);
    }
    if (item.done) parts.push_back(item.is_deal ? "closed" : "done");
    return join(parts, ", ");
}

std::string day_heading(Date date) {
    static const char* const names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    return fmt::format("{} {}",
                       names[std::chrono::weekday{std::chrono::sys_days{date}}.c_encoding()],
                       format_date(date));
}

}  // namespace

std::string agenda_text(const std::vector<AgendaItem>& items, bool color) {
    std::string out;
    std::string heading;
    const auto paint = [&](const std::string& text, const char* code) {
        return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
    };
    for (const auto& item : items) {
        const std::string section = item.overdue ? "Overdue" : day_heading(item.date);
        if (section != heading) {
            out += (out.empty() ? "" : "\n") + paint(section, item.overdue ? "1;31" : "1") + "\n";
            heading = section;
        }
        const std::string when = item.overdue  ? format_date(item.date)
                                 : item.minute ? format_minute(*item.minute)
                                               : "";
        std::string title = valid_utf8(item.title);
        for (char& c : title)
            if (c == '\n' || c == '\r' || c == '\t') c = ' ';  // one line an item
        std::string line = fmt::format("  {:<10}  {:<7}  {}", when, item.kind, title);
        const std::string details = describe(item);
        if (!details.empty()) line += " (" + details + ")";
        out += (item.done ? paint(line, "2") : line) + "\n";
    }
    return out;
}

std::string ical_text(std::string_view raw) {
    return escaped(valid_utf8(raw), {{'\\', "\\\\"}, {';', "\\;"}, {',', "\\,"}, {'\n', "\\n"}},
                   [](std::string& out, unsigned char c) {
                       if (c >= 0x20 || c == '\t') out += char(c);  // other controls not allowed
                   });
}

std::string ical_fold(std::string_view line) {
    // At most 75 octets a line, never inside a UTF-8 sequence; continuations start with a space.
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < line.size();) {
        const std::size_t length = utf8_length(line[i]);
        if (used + length > 75) {
            out += "\r\n ";
            used = 1;
        }
        out.append(line.substr(i, length));
        used += length;
        i += length;
    }
    return out + "\r\n";
}

namespace {

std::string ical_date(Date date) {
    return fmt::format("{:04}{:02}{:02}", int(date.year()), unsigned(date.month()),
                       unsigned(date.day()));
}

std::string ical_moment(Date date, int minute) {
    return fmt::format("{}T{:02}{:02}00", ical_date(date), minute / 60, minute % 60);
}

}  // namespace

std::string icalendar(const std::vector<AgendaItem>& items, const std::string& calendar_id,
                      const std::string& stamp) {
    std::string out;
    const auto line = [&](const std::string& text) { out += ical_fold(text); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(fmt::format("PRODID:-//funnel//funnel {}//EN", version));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:funnel");
    for (const auto& item : items) {
        const bool todo = !item.is_deal && item.kind == "task";
        line(todo ? "BEGIN:VTODO" : "BEGIN:VEVENT");
        line(fmt::format("UID:{}-{}.{}@funnel", item.is_deal ? "deal" : "activity", item.id,
                         item.is_deal ? "close-" + calendar_id : calendar_id));
        line("DTSTAMP:" + stamp);
        const std::string subject =
            item.is_deal ? "Close: " + item.title
                         : fmt::format("{}{}: {}", ascii_upper(item.kind.substr(0, 1)),
                                       item.kind.substr(1), item.title);
        line("SUMMARY:" + ical_text(subject));
        std::string description = describe(item);
        if (!item.notes.empty()) description += (description.empty() ? "" : "\n") + item.notes;
        if (!description.empty()) line("DESCRIPTION:" + ical_text(description));
        if (todo) {
            line(item.minute ? "DUE:" + ical_moment(item.date, *item.minute)
                             : "DUE;VALUE=DATE:" + ical_date(item.date));
            line(item.done ? "STATUS:COMPLETED" : "STATUS:NEEDS-ACTION");
        } else if (item.minute) {
            line("DTSTART:" + ical_moment(item.date, *item.minute));
            line(fmt::format("DURATION:PT{}M", item.duration_minutes.value_or(30)));
        } else {
            line("DTSTART;VALUE=DATE:" + ical_date(item.date));
            line("DTEND;VALUE=DATE:" + ical_date(add_days(item.date, 1)));
            line("TRANSP:TRANSPARENT");
        }
        line("CATEGORIES:" + ical_text(item.kind));
        line(todo ? "END:VTODO" : "END:VEVENT");
    }
    line("END:VCALENDAR");
    return out;
}

}  // namespace funnel
