// The store: the one place that speaks SQL. Everything else asks it for domain values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/history.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/party.hpp"
#include "funnel/domain/related.hpp"
#include "funnel/domain/stage.hpp"

namespace funnel {

class NewDataFile;

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
    std::string search;              // in name, description, next step, org and contact
};

enum class OppSort { close, amount, weighted, probability, stage, name, id, updated };
OppSort parse_opp_sort(std::string_view text);  // throws Error(invalid)

struct OppQuery {
    OppFilter filter;
    OppSort sort = OppSort::close;
    bool descending = false;
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
    std::string_view currency;
    std::string_view close_date;
    std::string_view stage;
    std::string_view category;
    int probability = 0;
    std::string_view type, next_step, description, owner, source, created_at, updated_at, closed_at,
        lost_reason, external_id;
};

struct HistoryEntry {
    std::int64_t id = 0;
    std::int64_t opp_id = 0;
    Timestamp changed_at;
    std::string field;
    // As people read them: stage, organization and contact by name.
    std::optional<std::string> old_value;
    std::optional<std::string> new_value;
    std::string note;
};

struct DataCounts {
    std::int64_t opportunities = 0;
    std::int64_t open = 0;
    std::int64_t won = 0;
    std::int64_t lost = 0;
    std::int64_t organizations = 0;
    std::int64_t contacts = 0;
    std::int64_t stages = 0;
    std::int64_t history = 0;
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

struct OrganizationSummary {
    Organization organization;
    std::int64_t open_deals = 0;
    std::int64_t contacts = 0;
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

// The field report rows are grouped by.
enum class DealField { none, stage, owner, type, org, source };

// The deals a report covers.
struct ReportScope {
    std::optional<std::string> owner;
    std::optional<DealType> type;
    std::optional<std::string> currency;
};

// The open deals a forecast counts: those closing from `first` to `last` but not before `today`,
// and with `with_overdue` also every deal whose close date is before `today`.
struct OpenWindow {
    Date first;
    Date last;
    Date today;
    bool with_overdue = false;
};

// Open deals by currency, close date, group and stage. Aggregating by day lets the database
// read its (state, close_date, currency, stage_id, ...) index in order, without sorting.
struct OpenAggregate {
    std::string currency;
    Date close_date;
    std::optional<std::string> group;
    std::int64_t stage_id = 0;
    std::int64_t count = 0;
    std::int64_t amount = 0;    // minor units
    std::int64_t weighted = 0;  // the sum of the deals' weighted amounts
};

// Won and lost deals by currency, the day they closed, group and state.
struct ClosedAggregate {
    std::string currency;
    Date closed_at;
    std::optional<std::string> group;
    StageState state = StageState::won;
    std::int64_t count = 0;
    std::int64_t amount = 0;
};

struct OpenDeal {
    std::string currency;
    Date close_date;
    std::optional<std::string> group;
    std::int64_t stage_id = 0;
    std::int64_t amount = 0;
    int probability = 0;
};

// Open deals by currency and stage, with the days since each entered its stage.
struct StageAggregate {
    std::string currency;
    std::int64_t stage_id = 0;
    std::int64_t count = 0;
    std::int64_t amount = 0;
    std::int64_t weighted = 0;
    std::int64_t age_days = 0;  // sum of days in stage
};

// Won and lost deals of a period by currency and group, with the days from creation to close.
struct PerformanceAggregate {
    std::string currency;
    std::optional<std::string> group;
    std::int64_t won = 0;
    std::int64_t won_amount = 0;
    std::int64_t lost = 0;
    std::int64_t lost_amount = 0;
    std::int64_t won_cycle_days = 0;  // sum over won deals of days from created to closed
};

struct OpenCount {
    std::string currency;
    std::optional<std::string> group;
    std::int64_t count = 0;
};

// Which activities a list shows.
struct ActivityQuery {
    enum class State { pending, done, all } state = State::pending;
    std::optional<std::int64_t> opp_id;
    std::optional<Date> due_from;  // inclusive
    std::optional<Date> due_to;    // inclusive
    std::optional<std::string> owner;
};

class Store {
  public:
    enum class Access { read, write };
    // Whether a write to a missing file may create the missing folders of its path.
    enum class Folders { must_exist, create };

    // Opens the data file. For reading, the file is opened read-only (as immutable where
    // nothing can write it: a read-only file system), an older schema is upgraded in a copy in
    // memory, and a missing or empty file is Error(not_found): a mistyped path must never read
    // as an empty pipeline. For writing, a missing file is created whole (mode 0600, WAL), and an
    // older schema is upgraded. Either way a file made by a newer funnel is Error(conflict) and
    // left untouched, one that is not a data file Error(runtime), and a folder, pipe or device
    // Error(invalid).
    static Store open(const std::filesystem::path& path, Access access,
                      Folders folders = Folders::create);
    // Makes a new data file for `target` as `file` (beside it, under this process's name) and
    // opens it for writing: what a change that must not leave a half-made file writes into
    // before the file takes its place (NewDataFile::adopt).
    static Store create(const NewDataFile& file, const std::filesystem::path& target);
    // Opens for writing and upgrades only up to `version`: for tests of migrations.
    static Store open_at_version(const std::filesystem::path& path, int version);
    // An empty data file in memory standing for `path` (in messages): what a command tries its
    // change on before it creates the real file, so that a failing command creates nothing.
    static Store scratch(const std::filesystem::path& path);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    const std::filesystem::path& path() const;
    bool on_disk() const;       // false for a scratch store
    bool created_file() const;  // whether opening it for writing made the file
    int schema_version() const;
    static int latest_schema_version();

    // One BEGIN IMMEDIATE transaction: rolled back unless committed.
    class Transaction {
      public:
        explicit Transaction(Store& store);
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;
        ~Transaction();
        void commit();

      private:
        Store& store_;
        bool open_ = true;
    };

    Currency default_currency();
    void set_default_currency(const Currency& currency);
    DataCounts counts();

    // Stages, in order.
    std::vector<Stage> stages();
    std::int64_t insert_stage(const Stage& stage);
    void update_stage(const Stage& stage);
    void delete_stage(std::int64_t id);
    // Positions 1..n in this order.
    void reorder_stages(const std::vector<std::int64_t>& ids_in_order);
    // Whether any deal is in the stage or ever was.
    bool stage_ever_used(std::int64_t id);

    // An organization by id or exact name (any case).
    std::optional<Organization> find_organization(std::string_view id_or_name);
    // Like find_organization, but throws Error(not_found).
    Organization organization(std::string_view id_or_name);
    std::int64_t insert_organization(const Organization& organization);
    void update_organization(const Organization& organization);
    void delete_organization(std::int64_t id);
    void for_each_organization(const std::function<void(const OrganizationSummary&)>& visit);
    bool organization_has_won_deal(std::int64_t id);
    std::int64_t count_deals_of_organization(std::int64_t id);
    std::int64_t count_contacts_of_organization(std::int64_t id);

    // Contacts by id or exact name (any case); a name may match several.
    std::vector<Contact> find_contacts(std::string_view id_or_name);
    // Exactly one contact, or Error(not_found) or Error(conflict) for an ambiguous name.
    Contact contact(std::string_view id_or_name);
    std::int64_t insert_contact(const Contact& contact);
    void update_contact(const Contact& contact);
    void delete_contact(std::int64_t id);
    void for_each_contact(std::optional<std::int64_t> org_id,
                          const std::function<void(const Contact&)>& visit);
    std::int64_t count_deals_of_contact(std::int64_t id);
    // Every contact's name, for suggestions when a name matches none.
    std::vector<std::string> contact_names();

    // Inserts the deal as given (timestamps included) and records its creation.
    std::int64_t insert_opportunity(const Opportunity& deal);
    std::optional<Opportunity> find_opportunity(std::int64_t id);
    // Like find_opportunity, but throws Error(not_found).
    Opportunity opportunity(std::int64_t id);
    // Writes `after` and records each changed field, dated `when` (which may be in the past);
    // the note goes with the stage change, else with the first change. Returns false when
    // nothing changed.
    bool update_opportunity(const Opportunity& before, const Opportunity& after,
                            const Timestamp& when, const std::string& note);
    DealDependents dependents_of(std::int64_t id);
    // Deletes the deal with its history, contact links, quotes, documents and product lines;
    // its activities stay, no longer linked to it (as opp unlink leaves them).
    void delete_opportunity(std::int64_t id, const Timestamp& now);
    // Records something that happened to a deal besides a change of its fields (a link made or
    // removed), and marks the deal updated.
    void record_event(std::int64_t opp_id, const Timestamp& when, const FieldChange& event,
                      const std::string& note);
    void for_each_opportunity(const OppQuery& query,
                              const std::function<void(const Opportunity&)>& visit);
    // The same deals as for_each_opportunity, as stored.
    void for_each_deal_columns(const OppQuery& query,
                               const std::function<void(const DealColumns&)>& visit);
    std::vector<CurrencyTotals> totals(const OppFilter& filter);
    std::vector<HistoryEntry> history(std::int64_t opp_id);

    // The records around a deal.
    std::vector<ContactLink> contact_links(std::int64_t opp_id);
    // Links the contact, or updates its role; with `primary`, the flag moves to it.
    std::int64_t link_contact(std::int64_t opp_id, std::int64_t contact_id, const std::string& role,
                              bool primary, const Timestamp& now);
    // Makes the contact primary (linking it when it is not) or, with none, no contact primary.
    void set_primary_contact(std::int64_t opp_id, std::optional<std::int64_t> contact_id,
                             const Timestamp& now);
    void unlink(std::string_view kind, std::int64_t link_id);
    std::int64_t count_links_of_contact(std::int64_t contact_id);

    std::vector<Quote> quotes(std::int64_t opp_id);
    std::optional<Quote> find_quote(std::int64_t opp_id, std::string_view number);
    std::int64_t insert_quote(const Quote& quote);
    void update_quote(const Quote& quote);

    std::vector<Document> documents(std::int64_t opp_id);
    std::int64_t insert_document(const Document& document);

    void for_each_product(const std::function<void(const Product&, std::int64_t lines)>& visit);
    std::optional<Product> find_product(std::string_view id_or_name);
    Product product(std::string_view id_or_name);  // throws Error(not_found)
    std::int64_t insert_product(const Product& product);
    void update_product(const Product& product);
    void delete_product(std::int64_t id);
    std::int64_t count_lines_of_product(std::int64_t id);

    std::vector<Line> lines(std::int64_t opp_id);
    std::int64_t insert_line(const Line& line);
    // The sum of a deal's line totals, when it has lines.
    std::optional<std::int64_t> lines_total(std::int64_t opp_id);

    // The rows of a link kind that belong to a deal ("contact", "quote", "document", "line",
    // "activity"): what unlink may remove, and a description for the history.
    std::optional<std::string> describe_link(std::string_view kind, std::int64_t opp_id,
                                             std::int64_t link_id);

    std::int64_t insert_activity(const Activity& activity);
    void update_activity(const Activity& activity);
    void delete_activity(std::int64_t id);
    std::optional<Activity> find_activity(std::int64_t id);
    Activity activity(std::int64_t id);  // throws Error(not_found)
    void for_each_activity(const ActivityQuery& query,
                           const std::function<void(const Activity&)>& visit);
    std::int64_t count_activities_of_organization(std::int64_t id);
    std::int64_t count_activities_of_contact(std::int64_t id);
    std::string calendar_id();

    // Reports: the database aggregates; nothing is loaded deal by deal except for simulation.
    void aggregate_open_deals(const OpenWindow& window, DealField group, const ReportScope& scope,
                              const std::function<void(const OpenAggregate&)>& visit);
    // Deals that closed from `first` to `last`.
    void aggregate_closed_deals(Date first, Date last, DealField group, const ReportScope& scope,
                                const std::function<void(const ClosedAggregate&)>& visit);
    // The open deals aggregate_open_deals counts, one by one, in id order.
    void for_each_open_deal(const OpenWindow& window, DealField group, const ReportScope& scope,
                            const std::function<void(const OpenDeal&)>& visit);
    std::vector<StageAggregate> aggregate_open_by_stage(Date today, const ReportScope& scope);

    std::vector<PerformanceAggregate> aggregate_performance(Date from, Date to, DealField group);
    std::vector<OpenCount> count_open_deals(DealField group);
    // Open deals, the least recently touched first: by their last change or the last change of
    // one of their activities.
    void for_each_open_deal_by_last_touch(
        const std::function<void(const Opportunity&, const Timestamp& touched)>& visit);
    std::vector<std::pair<std::int64_t, std::string>> organization_names();

    // Every deal in the scope with its recorded changes, in id order; the deals and their
    // history are read side by side, never all at once. Each part names the changes to read: of
    // one field, or dated after a moment (what undoing to it needs), or both; no parts, all.
    struct HistoryPart {
        std::optional<std::string> field;
        std::optional<Timestamp> after;
        bool closed_deals_only = false;
    };
    using HistoryFilter = std::vector<HistoryPart>;
    void for_each_deal_with_history(
        const ReportScope& scope, const HistoryFilter& filter,
        const std::function<void(const Opportunity&, const std::vector<DealChange>&)>& visit);

    // The whole file as one JSON document (docs/dump.md): every table's rows as stored, each
    // deal with its history, contacts, quotes, documents and lines. Streamed.
    void dump(std::ostream& out, const Timestamp& now);
    // Fills an empty data file from a dump, identical to the file it came from: ids, history,
    // sequences and all. Throws Error(conflict) when the file holds data, Error(invalid) for a
    // document that is not a funnel dump (or is inconsistent).
    void restore(std::istream& in);

    // The checks of db check: SQLite's integrity and foreign-key checks, then funnel's own
    // rules. Each is named, with its problems (none when all is well).
    struct Check {
        std::string name;
        std::vector<std::string> problems;
    };
    std::vector<Check> check();
    // Copies the file, consistent as of one moment even while other processes write, into a
    // new file (mode 0600) that must not exist yet: Error(conflict) when it does.
    void backup(const std::filesystem::path& to);

    struct Impl;  // the connection, opaque outside the store's own files

  private:
    friend class DealWriter;
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes many deals in a transaction the caller holds, each statement prepared once: what an
// import of a million rows needs. Names are matched by fold_name, as everywhere.
class DealWriter {
  public:
    explicit DealWriter(Store& store);
    DealWriter(const DealWriter&) = delete;
    DealWriter& operator=(const DealWriter&) = delete;
    ~DealWriter();

    std::optional<std::int64_t> organization_named(const std::string& name);
    std::int64_t create_organization(const std::string& name, const Timestamp& now);
    // The contacts of that name: id and organization.
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> contacts_named(
        const std::string& name);
    std::int64_t create_contact(const std::string& name, std::optional<std::int64_t> org_id,
                                const Timestamp& now);
    bool organization_has_won_deal(std::int64_t org_id);
    std::optional<std::int64_t> deal_with_external_id(const std::string& key);

    // A dated change of one field, as the history records it.
    struct DatedChange {
        Timestamp when;
        FieldChange change;
    };
    // Inserts the deal as given, records its creation with the note and then the changes
    // given, and makes its contact the primary contact.
    std::int64_t insert(const Opportunity& deal, const std::string& note,
                        const std::vector<DatedChange>& changes);

    // For an import larger than the deals already in the file: the indexes of deals and
    // their history that the import does not read are dropped, and built again by
    // finish_bulk() in one pass each, which is several times faster than keeping them up to
    // date row by row. Both run inside the caller's transaction: a rollback restores them.
    void begin_bulk();
    void finish_bulk();
    std::int64_t deal_count();

  private:
    struct Statements;
    std::unique_ptr<Statements> statements_;
};

}  // namespace funnel
