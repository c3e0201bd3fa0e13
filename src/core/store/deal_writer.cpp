#include <unordered_map>

#include "funnel/domain/text.hpp"
#include "funnel/store/store.hpp"
#include "store/connection.hpp"

namespace funnel {

namespace {
// Names looked up are remembered; past this many the memory is cleared, so that a file of a
// million distinct organizations does not hold them all.
constexpr std::size_t max_remembered = 100'000;
}  // namespace

struct DealWriter::Statements {
    explicit Statements(SQLite::Database& db)
        : find_org(db, "SELECT id FROM organization WHERE name_key = ? ORDER BY id"),
          insert_org(db,
                     "INSERT INTO organization (name, name_key, created_at, updated_at) VALUES "
                     "(?, ?, ?, ?)"),
          find_contacts(db, "SELECT id, org_id FROM contact WHERE name_key = ? ORDER BY id"),
          insert_contact(db,
                         "INSERT INTO contact (name, name_key, org_id, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?)"),
          won_deal(db, "SELECT 1 FROM opportunity WHERE org_id = ? AND state = 'won' LIMIT 1"),
          find_key(db, "SELECT id FROM opportunity WHERE external_id = ?"),
          insert_deal(db, sql::insert_opportunity),
          insert_change(db, sql::insert_history),
          insert_tag(db, "INSERT INTO opportunity_tag (opp_id, tag) VALUES (?, ?)"),
          insert_primary(db,
                         "INSERT INTO opportunity_contact (opp_id, contact_id, role, is_primary, "
                         "created_at) VALUES (?, ?, 'other', 1, ?)"),
          db_(db) {}

    sql::Cursor find_org, insert_org, find_contacts, insert_contact, won_deal, find_key,
        insert_deal, insert_change, insert_tag, insert_primary;
    std::unordered_map<std::string, std::int64_t> orgs;  // by fold_name
    std::unordered_map<std::int64_t, bool> won;
    std::vector<std::string> dropped;  // CREATE INDEX statements to run again
    SQLite::Database& db_;

    std::int64_t last_id() const { return db_.getLastInsertRowid(); }
};

DealWriter::DealWriter(Store& store)
    : statements_(std::make_unique<Statements>(store.connection_->db)),
      connection_(store.connection_.get()) {
    // A large import touches many pages: 16 MiB of them in memory (not SQLite's default 2)
    // saves writing pages out and reading them back. Building an index sorts in as much again:
    // an import of a million rows stays under 64 MiB.
    store.connection_->db.exec("PRAGMA cache_size = -16384");
}
DealWriter::~DealWriter() = default;

std::optional<std::int64_t> DealWriter::organization_named(const std::string& name) {
    auto& s = *statements_;
    const std::string key = fold_name(name);
    if (auto it = s.orgs.find(key); it != s.orgs.end()) return it->second;
    s.find_org.reset();
    s.find_org.bind(1, key);
    if (!s.find_org.step()) return std::nullopt;
    const std::int64_t id = s.find_org.integer(0);
    s.find_org.reset();
    if (s.orgs.size() >= max_remembered) s.orgs.clear();
    s.orgs.emplace(key, id);
    return id;
}

std::int64_t DealWriter::create_organization(const std::string& name, const Timestamp& now) {
    auto& s = *statements_;
    const std::string key = fold_name(name);
    s.insert_org.bind(1, name);
    s.insert_org.bind(2, key);
    s.insert_org.bind(3, now);
    s.insert_org.bind(4, now);
    s.insert_org.run();
    const std::int64_t id = s.last_id();
    if (s.orgs.size() >= max_remembered) s.orgs.clear();
    s.orgs.emplace(key, id);
    if (s.dropped.empty()) s.won.emplace(id, false);
    return id;
}

std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> DealWriter::contacts_named(
    const std::string& name) {
    auto& s = *statements_;
    s.find_contacts.reset();
    s.find_contacts.bind(1, fold_name(name));
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> found;
    while (s.find_contacts.step())
        found.emplace_back(s.find_contacts.integer(0),
                           s.find_contacts.null(1)
                               ? std::nullopt
                               : std::optional<std::int64_t>(s.find_contacts.integer(1)));
    return found;
}

std::int64_t DealWriter::create_contact(const std::string& name, std::optional<std::int64_t> org_id,
                                        const Timestamp& now) {
    auto& s = *statements_;
    s.insert_contact.bind(1, name);
    s.insert_contact.bind(2, fold_name(name));
    s.insert_contact.bind_id(3, org_id);
    s.insert_contact.bind(4, now);
    s.insert_contact.bind(5, now);
    s.insert_contact.run();
    return s.last_id();
}

void DealWriter::begin_bulk() {
    auto& s = *statements_;
    // Whether an organization has a won deal is read from opportunity_by_org, which goes: the
    // organizations that have one are all remembered first, and the others have none.
    {
        sql::Cursor won(s.db_,
                        "SELECT DISTINCT org_id FROM opportunity WHERE state = 'won' AND org_id "
                        "IS NOT NULL");
        s.won.clear();
        while (won.step())
            s.won.emplace(won.integer(0), true);
    }
    s.dropped = sql::drop_indexes(s.db_, {"opportunity", "opportunity_history"},
                                  {"opportunity_by_external_id"});
}

std::int64_t DealWriter::deal_count() {
    return statements_->db_.execAndGet("SELECT count(*) FROM opportunity").getInt64();
}

void DealWriter::finish_bulk() {
    auto& s = *statements_;
    sql::create_indexes(s.db_, s.dropped);
}

bool DealWriter::organization_has_won_deal(std::int64_t org_id) {
    auto& s = *statements_;
    if (auto it = s.won.find(org_id); it != s.won.end()) return it->second;
    if (!s.dropped.empty()) return false;  // every organization is known in bulk mode
    s.won_deal.reset();
    s.won_deal.bind(1, org_id);
    const bool won = s.won_deal.step();
    s.won_deal.reset();
    if (s.won.size() >= max_remembered) s.won.clear();
    s.won.emplace(org_id, won);
    return won;
}

std::optional<std::int64_t> DealWriter::deal_with_external_id(const std::string& key) {
    auto& s = *statements_;
    s.find_key.reset();
    s.find_key.bind(1, key);
    std::optional<std::int64_t> id;
    if (s.find_key.step()) id = s.find_key.integer(0);
    s.find_key.reset();
    return id;
}

void DealWriter::for_each_deal_identity(
    const std::function<void(std::int64_t, std::string_view, std::optional<std::int64_t>,
                             std::string_view)>& visit) {
    sql::Cursor deals(statements_->db_,
                      "SELECT id, name, org_id, currency FROM opportunity ORDER BY id");
    while (deals.step())
        visit(deals.integer(0), deals.text(1),
              deals.null(2) ? std::nullopt : std::optional(deals.integer(2)), deals.text(3));
}

std::int64_t DealWriter::insert(const Opportunity& deal, const std::string& note,
                                const std::vector<DatedChange>& changes) {
    auto& s = *statements_;
    auto& insert = s.insert_deal;
    bind_opportunity(insert, deal);
    insert.bind(22, deal.created_at);
    insert.run();
    const std::int64_t id = s.last_id();

    const auto record = [&](const Timestamp& when, const FieldChange& change,
                            const std::string& text) {
        // Imported history keeps the times its source gave, never the moment of the import:
        // a view of a past day of an imported file shows what the source knew then.
        sql::bind_change(s.insert_change, id, when, when, change, text);
        s.insert_change.run();
    };
    record(deal.created_at, {"created", std::nullopt, deal.name}, note);
    for (const auto& [when, change] : changes)
        record(when, change, "");
    if (deal.contact_id) {
        s.insert_primary.bind(1, id);
        s.insert_primary.bind(2, *deal.contact_id);
        s.insert_primary.bind(3, deal.created_at);
        s.insert_primary.run();
    }
    for (const auto& tag : deal.tags) {
        s.insert_tag.bind(1, id);
        s.insert_tag.bind(2, tag);
        s.insert_tag.run();
    }
    if (!deal.fields.empty())
        sql::replace_field_values(*connection_, FieldRecord::opp, id, {}, deal.fields);
    if (deal.org_id && deal.state == StageState::won) s.won[*deal.org_id] = true;
    return id;
}

}  // namespace funnel
