// The deals: their fields as stored, the lists that filter and sort them, and the record of
// each change (written here, read through HistoryStore).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/filter.hpp"
#include "funnel/domain/history.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/store/rate_store.hpp"

namespace funnel {

struct Connection;

// Which deals a list shows.
enum class StateFilter { open, won, lost, closed, all };

struct OppFilter {
    StateFilter states = StateFilter::open;
    std::vector<std::int64_t> stage_ids;
    std::optional<std::int64_t> org_id;
    std::optional<std::int64_t> contact_id;
    std::optional<std::string> owner;
    std::optional<DealType> type;
    std::optional<Date> closing_from;
    std::optional<Date> closing_to;
    std::optional<Date> overdue_on;  // open deals whose close date is before this day
    bool no_amount = false;          // deals with no amount yet
    std::optional<Filter> where;     // --where
    std::optional<std::pair<std::int64_t, std::int64_t>> ids;  // from, to (both included)
    std::string search;  // in name, description, next step, org and contact
};

enum class OppSort {
    close,
    amount,
    weighted,
    probability,
    stage,
    name,
    id,
    updated,
    created,
    org,
    owner,
    currency,
};
OppSort parse_opp_sort(std::string_view text);  // throws Error(invalid)

struct SortKey {
    OppSort key = OppSort::close;
    bool descending = false;
};
// "stage,-amount,close": keys in order, "-" for descending. Throws Error(invalid).
std::vector<SortKey> parse_sort_keys(std::string_view text);

struct OppQuery {
    OppFilter filter;
    // In order; amounts sort within each currency (the currencies alphabetically), and the id
    // breaks ties.
    std::vector<SortKey> sort{SortKey{}};
    std::optional<std::int64_t> limit;
};

// A deal's columns as stored, for writing out a million deals without building an Opportunity
// for each. The views are valid during the call that receives them only.
struct DealColumns {
    std::int64_t id = 0;
    std::string_view name;
    std::optional<std::int64_t> org_id;
    std::string_view org;
    std::optional<std::int64_t> contact_id;
    std::string_view contact;
    std::int64_t amount = 0;
    bool no_amount = false;  // none yet: amount is 0
    std::string_view currency;
    std::string_view close_date;
    std::string_view stage;
    std::string_view category;
    int probability = 0;
    std::string_view type, next_step, description, owner, source, created_at, updated_at, closed_at,
        lost_reason, external_id;
    std::string_view tags;  // joined with ';', in order
    std::vector<FieldValue> fields;
};

// What goes with a deal when it is deleted, and what stays.
struct DealDependents {
    std::int64_t history = 0;
    std::int64_t contacts = 0;  // links to contacts, not the contacts themselves
    std::int64_t quotes = 0;
    std::int64_t documents = 0;
    std::int64_t lines = 0;
    std::int64_t activities = 0;  // kept, no longer linked to the deal
};

// Per currency: what a set of deals is worth.
struct CurrencyTotals {
    std::string currency;
    std::int64_t open = 0;
    std::int64_t pipeline_minor = 0;
    std::int64_t weighted_minor = 0;
    std::int64_t won = 0;
    std::int64_t won_minor = 0;
    std::int64_t lost = 0;
};

// The deals a report covers.
struct ReportScope {
    std::optional<std::string> owner;
    std::optional<DealType> type;
    std::optional<std::string> currency;
    std::optional<Filter> where;  // --where
    // Not a selection: with a converter (--in), the report queries also sum each deal's amount
    // converted into its currency (the `converted` figures of their rows).
    AmountConverter* in = nullptr;
    // Whether it keeps to some deals of the file, not to a currency alone.
    bool narrowed() const { return owner || type || where; }
};

class DealStore {
  public:
    explicit DealStore(Connection& connection) : connection_(&connection) {}

    // Inserts the deal as given (timestamps included) and records its creation, as recorded
    // when it was created.
    std::int64_t insert(const Opportunity& deal);
    std::optional<Opportunity> find(std::int64_t id);
    // Like find, but throws Error(not_found).
    Opportunity get(std::int64_t id);
    // Writes `after` and records each changed field, dated `when` (which may be in the past)
    // and recorded at `recorded` (default: `when`); the note goes with the stage change, else
    // with the first change. Returns false when nothing changed.
    bool update(const Opportunity& before, const Opportunity& after, const Timestamp& when,
                const std::string& note, const std::optional<Timestamp>& recorded = std::nullopt);
    DealDependents dependents(std::int64_t id);
    // Deletes the deal with its history, contact links, quotes, documents and product lines;
    // its activities stay, no longer linked to it (as opp unlink leaves them).
    void remove(std::int64_t id, const Timestamp& now);
    // Records something that happened to a deal besides a change of its fields (a link made or
    // removed), and marks the deal updated.
    void record_event(std::int64_t opp_id, const Timestamp& when, const FieldChange& event,
                      const std::string& note);
    void for_each(const OppQuery& query, const std::function<void(const Opportunity&)>& visit);
    // The same deals as for_each, as stored.
    void for_each_columns(const OppQuery& query,
                          const std::function<void(const DealColumns&)>& visit);
    std::vector<CurrencyTotals> totals(const OppFilter& filter);

  private:
    Connection* connection_;
};

}  // namespace funnel
