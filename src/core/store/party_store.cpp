#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store/connection.hpp"

namespace funnel {

namespace {

const sql::RecordKind organization_kind{
    "organization", {"name", "name_key", "industry", "website", "phone", "notes", "updated_at"}};

int bind_organization(SQLite::Statement& statement, const Organization& org) {
    statement.bind(1, org.name);
    sql::bind_text(statement, 2, org.industry);
    sql::bind_text(statement, 3, org.website);
    sql::bind_text(statement, 4, org.phone);
    sql::bind_text(statement, 5, org.notes);
    statement.bind(6, org.updated_at);
    return 7;
}

const sql::RecordKind contact_kind{
    "contact", {"name", "name_key", "org_id", "email", "phone", "title", "notes", "updated_at"}};

int bind_contact(SQLite::Statement& statement, const Contact& contact) {
    statement.bind(1, contact.name);
    sql::bind_id(statement, 2, contact.org_id);
    sql::bind_text(statement, 3, contact.email);
    sql::bind_text(statement, 4, contact.phone);
    sql::bind_text(statement, 5, contact.title);
    sql::bind_text(statement, 6, contact.notes);
    statement.bind(7, contact.updated_at);
    return 8;
}

const std::string organization_columns =
    "id, name, industry, website, phone, notes, created_at, updated_at, " +
    sql::tags_of("organization_tag", "org_id", "organization.id") + ", " +
    sql::field_values_of(FieldRecord::org, "organization.id");

Organization read_organization(SQLite::Statement& row) {
    Organization org;
    org.id = row.getColumn(0).getInt64();
    org.name = row.getColumn(1).getString();
    org.industry = sql::text(row.getColumn(2));
    org.website = sql::text(row.getColumn(3));
    org.phone = sql::text(row.getColumn(4));
    org.notes = sql::text(row.getColumn(5));
    org.created_at = row.getColumn(6).getString();
    org.updated_at = row.getColumn(7).getString();
    org.tags = sql::read_tags(sql::text(row.getColumn(8)));
    org.fields = sql::read_field_values(sql::text(row.getColumn(9)));
    return org;
}

const std::string contact_columns =
    "c.id, c.name, c.org_id, g.name, c.email, c.phone, c.title, c.notes, c.created_at, "
    "c.updated_at, " +
    sql::tags_of("contact_tag", "contact_id", "c.id") + ", " +
    sql::field_values_of(FieldRecord::contact, "c.id") +
    " FROM contact c LEFT JOIN organization g ON g.id = c.org_id";

Contact read_contact(SQLite::Statement& row) {
    Contact contact;
    contact.id = row.getColumn(0).getInt64();
    contact.name = row.getColumn(1).getString();
    contact.org_id = sql::optional_id(row.getColumn(2));
    contact.org = sql::text(row.getColumn(3));
    contact.email = sql::text(row.getColumn(4));
    contact.phone = sql::text(row.getColumn(5));
    contact.title = sql::text(row.getColumn(6));
    contact.notes = sql::text(row.getColumn(7));
    contact.created_at = row.getColumn(8).getString();
    contact.updated_at = row.getColumn(9).getString();
    contact.tags = sql::read_tags(sql::text(row.getColumn(10)));
    contact.fields = sql::read_field_values(sql::text(row.getColumn(11)));
    return contact;
}

}  // namespace

std::string PartyStore::stored_fields(FieldRecord record, std::int64_t id) {
    SQLite::Statement query(connection_->db, "SELECT " + sql::field_values_of(record, "?"));
    query.bind(1, id);
    query.executeStep();
    return sql::text(query.getColumn(0));
}

std::optional<Organization> PartyStore::find_organization(std::string_view id_or_name) {
    return sql::find_by_id_or_name(connection_->db,
                                   fmt::format("SELECT {} FROM organization", organization_columns),
                                   "organizations", id_or_name, read_organization);
}

Organization PartyStore::organization(std::string_view id_or_name) {
    if (auto org = find_organization(id_or_name)) return *org;
    throw not_found(fmt::format("no organization {}", in_quotes(trim(id_or_name))));
}

std::int64_t PartyStore::insert_organization(const Organization& org) {
    const auto id = sql::insert_record(connection_->db, organization_kind, org, bind_organization);
    if (!org.tags.empty())
        sql::replace_tags(*connection_, "organization_tag", "org_id", id, org.tags);
    sql::replace_field_values(*connection_, FieldRecord::org, id, {}, org.fields);
    return id;
}

void PartyStore::update_organization(const Organization& org) {
    sql::update_record(connection_->db, organization_kind, org, bind_organization);
    sql::replace_tags(*connection_, "organization_tag", "org_id", org.id, org.tags);
    sql::replace_field_values(*connection_, FieldRecord::org, org.id,
                              sql::read_field_values(stored_fields(FieldRecord::org, org.id)),
                              org.fields);
}

void PartyStore::delete_organization(std::int64_t id) {
    sql::delete_record(connection_->db, "organization", id);
}

void PartyStore::for_each_organization(
    const std::function<void(const OrganizationSummary&)>& visit) {
    SQLite::Statement query(
        connection_->db,
        fmt::format("SELECT {}, (SELECT count(*) FROM opportunity o WHERE o.org_id = "
                    "organization.id AND o.state = 'open'), (SELECT count(*) FROM contact c "
                    "WHERE c.org_id = organization.id) FROM organization ORDER BY name, id",
                    organization_columns));
    while (query.executeStep()) {
        OrganizationSummary summary{read_organization(query), query.getColumn(10).getInt64(),
                                    query.getColumn(11).getInt64()};
        visit(summary);
    }
}

bool PartyStore::organization_has_won_deal(std::int64_t id) {
    return sql::count_of(connection_->db,
                         "SELECT EXISTS (SELECT 1 FROM opportunity WHERE org_id = ? AND state = "
                         "'won')",
                         id) != 0;
}

std::int64_t PartyStore::count_deals_of_organization(std::int64_t id) {
    return sql::count_of(connection_->db, "SELECT count(*) FROM opportunity WHERE org_id = ?", id);
}

std::int64_t PartyStore::count_contacts_of_organization(std::int64_t id) {
    return sql::count_of(connection_->db, "SELECT count(*) FROM contact WHERE org_id = ?", id);
}

std::vector<Contact> PartyStore::find_contacts(std::string_view id_or_name) {
    const std::string wanted(trim(id_or_name));
    std::vector<Contact> found;
    if (auto id = sql::as_id(wanted)) {
        SQLite::Statement query(connection_->db,
                                fmt::format("SELECT {} WHERE c.id = ?", contact_columns));
        query.bind(1, *id);
        if (query.executeStep()) return {read_contact(query)};
    }
    SQLite::Statement query(
        connection_->db,
        fmt::format("SELECT {} WHERE c.name_key = funnel_fold(?) ORDER BY c.id", contact_columns));
    query.bind(1, wanted);
    while (query.executeStep())
        found.push_back(read_contact(query));
    return found;
}

Contact PartyStore::contact(std::string_view id_or_name) {
    auto found = find_contacts(id_or_name);
    if (found.empty()) throw not_found(fmt::format("no contact {}", in_quotes(trim(id_or_name))));
    if (found.size() > 1) {
        std::vector<std::string> ids;
        for (const auto& contact : found)
            ids.push_back(contact.org.empty() ? fmt::format("{}", contact.id)
                                              : fmt::format("{} ({})", contact.id, contact.org));
        throw conflict(fmt::format("{} contacts are named {}: use an id ({})", found.size(),
                                   in_quotes(trim(id_or_name)), join(ids, ", ")));
    }
    return found.front();
}

std::int64_t PartyStore::insert_contact(const Contact& contact) {
    const auto id = sql::insert_record(connection_->db, contact_kind, contact, bind_contact);
    if (!contact.tags.empty())
        sql::replace_tags(*connection_, "contact_tag", "contact_id", id, contact.tags);
    sql::replace_field_values(*connection_, FieldRecord::contact, id, {}, contact.fields);
    return id;
}

void PartyStore::update_contact(const Contact& contact) {
    sql::update_record(connection_->db, contact_kind, contact, bind_contact);
    sql::replace_tags(*connection_, "contact_tag", "contact_id", contact.id, contact.tags);
    sql::replace_field_values(
        *connection_, FieldRecord::contact, contact.id,
        sql::read_field_values(stored_fields(FieldRecord::contact, contact.id)), contact.fields);
}

void PartyStore::delete_contact(std::int64_t id) {
    sql::delete_record(connection_->db, "contact", id);
}

void PartyStore::for_each_contact(std::optional<std::int64_t> org_id,
                                  const std::function<void(const Contact&)>& visit) {
    SQLite::Statement query(
        connection_->db,
        fmt::format("SELECT {} WHERE ?1 IS NULL OR c.org_id = ?1 ORDER BY c.name, c.id",
                    contact_columns));
    sql::bind_id(query, 1, org_id);
    while (query.executeStep())
        visit(read_contact(query));
}

std::int64_t PartyStore::count_deals_of_contact(std::int64_t id) {
    return sql::count_of(connection_->db, "SELECT count(*) FROM opportunity WHERE contact_id = ?",
                         id);
}

std::vector<std::string> PartyStore::contact_names() {
    SQLite::Statement query(connection_->db, "SELECT DISTINCT name FROM contact ORDER BY name");
    std::vector<std::string> names;
    while (query.executeStep())
        names.push_back(query.getColumn(0).getString());
    return names;
}

std::vector<std::pair<std::int64_t, std::string>> PartyStore::organization_names() {
    SQLite::Statement query(connection_->db, "SELECT id, name FROM organization ORDER BY id");
    std::vector<std::pair<std::int64_t, std::string>> names;
    while (query.executeStep())
        names.emplace_back(query.getColumn(0).getInt64(), query.getColumn(1).getString());
    return names;
}

std::int64_t PartyStore::count_links_of_contact(std::int64_t contact_id) {
    return sql::count_of(connection_->db,
                         "SELECT count(*) FROM opportunity_contact WHERE contact_id = ?",
                         contact_id);
}

std::int64_t PartyStore::count_activities_of_organization(std::int64_t id) {
    return sql::count_of(connection_->db, "SELECT count(*) FROM activity WHERE org_id = ?", id);
}

std::int64_t PartyStore::count_activities_of_contact(std::int64_t id) {
    return sql::count_of(connection_->db, "SELECT count(*) FROM activity WHERE contact_id = ?", id);
}

}  // namespace funnel
