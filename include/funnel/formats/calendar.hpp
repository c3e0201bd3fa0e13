// The agenda: close dates of open deals (deadlines) beside activities, by day, for people and
// as an RFC 5545 iCalendar file that calendar programs subscribe to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/filter.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/formats/table.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

struct AgendaItem {
    Date date;
    std::optional<int> minute;  // activities with a time
    bool is_deal = false;       // a close date; else an activity
    std::string kind;           // "close", or the activity type
    std::int64_t id = 0;        // the deal's or the activity's
    std::string title;          // the deal's name or the activity's subject
    std::optional<std::int64_t> deal_id;
    std::string deal;  // for an activity: its deal
    std::string org;
    std::optional<Money> amount;
    std::string stage;
    int probability = 0;
    std::optional<int> duration_minutes;
    std::string notes;
    std::string owner;
    bool overdue = false;
    bool done = false;  // a closed deal or a done activity (with all)
};

struct AgendaQuery {
    Date from;
    Date to;
    Date today;
    std::optional<std::string> owner;
    bool all = false;  // closed deals and done activities too
    // --where: only the deals it selects, and the activities of those deals.
    std::optional<Filter> where;
};

// Overdue items first (open deals whose close date passed, pending activities due before
// today), then each day of the range in order: close dates before activities without a time,
// then timed activities by time.
std::vector<AgendaItem> agenda(Store& store, const AgendaQuery& query);

// Keys: section ("overdue" or the date), date, time, kind, id, title, deal_id, org, amount,
// currency, stage, duration_minutes, owner, overdue, done.
Table agenda_table(const std::vector<AgendaItem>& items);

// The agenda for people: a heading per day ("Overdue", "Mon 2026-11-16"), an item per line.
std::string agenda_text(const std::vector<AgendaItem>& items, bool color);

// RFC 5545: open close dates as all-day events, activities with a time as events, tasks as
// to-dos, others as all-day events; UIDs stable across exports ("deal-12-close.<calendar_id>"),
// DTSTAMP `stamp` (UTC, YYYYMMDDTHHMMSSZ), values escaped, lines folded at 75 octets, CRLF.
std::string icalendar(const std::vector<AgendaItem>& items, const std::string& calendar_id,
                      const std::string& stamp);

// TEXT escaping and line folding of RFC 5545, for tests too.
std::string ical_text(std::string_view text);
std::string ical_fold(std::string_view line);

}  // namespace funnel
