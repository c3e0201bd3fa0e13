#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store/connection.hpp"

namespace funnel {

namespace {

void bind_optional(SQLite::Statement& statement, int index,
                   const std::optional<std::int64_t>& value) {
    if (value)
        statement.bind(index, *value);
    else
        statement.bind(index);
}

void bind_optional_date(SQLite::Statement& statement, int index, const std::optional<Date>& value) {
    if (value)
        statement.bind(index, format_date(*value));
    else
        statement.bind(index);
}

std::optional<int> optional_int(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getInt();
}

}  // namespace

std::vector<ContactLink> RelatedStore::contact_links(std::int64_t opp_id) {
    SQLite::Statement query(
        connection_->db,
        "SELECT l.id, l.opp_id, l.contact_id, c.name, c.email, c.title, l.role, "
        "l.is_primary FROM opportunity_contact l JOIN contact c ON c.id = "
        "l.contact_id WHERE l.opp_id = ? ORDER BY l.is_primary DESC, l.id");
    query.bind(1, opp_id);
    std::vector<ContactLink> links;
    while (query.executeStep())
        links.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
                         query.getColumn(2).getInt64(), query.getColumn(3).getString(),
                         sql::text(query.getColumn(4)), sql::text(query.getColumn(5)),
                         query.getColumn(6).getString(), query.getColumn(7).getInt() != 0});
    return links;
}

namespace {
std::optional<std::int64_t> contact_link_id(SQLite::Database& db, std::int64_t opp_id,
                                            std::int64_t contact_id) {
    SQLite::Statement query(
        db, "SELECT id FROM opportunity_contact WHERE opp_id = ? AND contact_id = ?");
    query.bind(1, opp_id);
    query.bind(2, contact_id);
    if (query.executeStep()) return query.getColumn(0).getInt64();
    return std::nullopt;
}

// Links a contact unless it is linked (an upsert would use up an id of the sequence).
std::int64_t ensure_contact_link(SQLite::Database& db, std::int64_t opp_id, std::int64_t contact_id,
                                 const Timestamp& now) {
    if (auto id = contact_link_id(db, opp_id, contact_id)) return *id;
    SQLite::Statement insert(
        db,
        "INSERT INTO opportunity_contact (opp_id, contact_id, role, is_primary, "
        "created_at) VALUES (?, ?, 'other', 0, ?)");
    insert.bind(1, opp_id);
    insert.bind(2, contact_id);
    insert.bind(3, now);
    insert.exec();
    return db.getLastInsertRowid();
}
}  // namespace

std::int64_t RelatedStore::link_contact(std::int64_t opp_id, std::int64_t contact_id,
                                        const std::string& role, bool primary,
                                        const Timestamp& now) {
    const std::int64_t id = ensure_contact_link(connection_->db, opp_id, contact_id, now);
    SQLite::Statement update(connection_->db,
                             "UPDATE opportunity_contact SET role = ? WHERE id = ?");
    update.bind(1, role);
    update.bind(2, id);
    update.exec();
    if (primary) set_primary_contact(opp_id, contact_id, now);
    return id;
}

void RelatedStore::set_primary_contact(std::int64_t opp_id, std::optional<std::int64_t> contact_id,
                                       const Timestamp& now) {
    if (contact_id) ensure_contact_link(connection_->db, opp_id, *contact_id, now);
    SQLite::Statement flag(connection_->db,
                           "UPDATE opportunity_contact SET is_primary = (contact_id IS ?2) "
                           "WHERE opp_id = ?1");
    flag.bind(1, opp_id);
    bind_optional(flag, 2, contact_id);
    flag.exec();
}

namespace {
const char* link_table(std::string_view kind) {
    if (kind == "contact") return "opportunity_contact";
    if (kind == "quote") return "quote";
    if (kind == "document") return "document";
    if (kind == "line" || kind == "product") return "opportunity_line";
    if (kind == "activity") return "activity";
    throw invalid_input("expected contact, quote, document, product or activity");
}
}  // namespace

std::optional<std::string> RelatedStore::describe_link(std::string_view kind, std::int64_t opp_id,
                                                       std::int64_t link_id) {
    std::string sql;
    const std::string table = link_table(kind);
    if (table == "opportunity_contact")
        sql =
            "SELECT c.name || ' (' || l.role || ')' FROM opportunity_contact l JOIN contact c ON "
            "c.id = l.contact_id WHERE l.id = ? AND l.opp_id = ?";
    else if (table == "quote")
        sql = "SELECT 'quote ' || number FROM quote WHERE id = ? AND opp_id = ?";
    else if (table == "document")
        sql = "SELECT coalesce(title, location) FROM document WHERE id = ? AND opp_id = ?";
    else if (table == "opportunity_line")
        sql =
            "SELECT p.name FROM opportunity_line l JOIN product p ON p.id = l.product_id WHERE "
            "l.id = ? AND l.opp_id = ?";
    else
        sql = "SELECT type || ': ' || subject FROM activity WHERE id = ? AND opp_id = ?";
    SQLite::Statement query(connection_->db, sql);
    query.bind(1, link_id);
    query.bind(2, opp_id);
    if (query.executeStep()) return query.getColumn(0).getString();
    return std::nullopt;
}

void RelatedStore::unlink(std::string_view kind, std::int64_t link_id) {
    SQLite::Statement remove(connection_->db,
                             fmt::format("DELETE FROM {} WHERE id = ?", link_table(kind)));
    remove.bind(1, link_id);
    remove.exec();
}

namespace {
const char* const quote_columns =
    "SELECT id, opp_id, number, amount, currency, status, valid_until, file, created_at, "
    "updated_at FROM quote";

Quote read_quote(SQLite::Statement& row) {
    Quote quote;
    quote.id = row.getColumn(0).getInt64();
    quote.opp_id = row.getColumn(1).getInt64();
    quote.number = row.getColumn(2).getString();
    quote.amount = sql::optional_id(row.getColumn(3));
    quote.currency = row.getColumn(4).getString();
    quote.status = parse_quote_status(row.getColumn(5).getString());
    quote.valid_until = sql::optional_date(row.getColumn(6));
    quote.file = sql::text(row.getColumn(7));
    quote.created_at = row.getColumn(8).getString();
    quote.updated_at = row.getColumn(9).getString();
    return quote;
}
}  // namespace

std::vector<Quote> RelatedStore::quotes(std::int64_t opp_id) {
    SQLite::Statement query(connection_->db,
                            fmt::format("{} WHERE opp_id = ? ORDER BY id", quote_columns));
    query.bind(1, opp_id);
    std::vector<Quote> quotes;
    while (query.executeStep())
        quotes.push_back(read_quote(query));
    return quotes;
}

std::optional<Quote> RelatedStore::find_quote(std::int64_t opp_id, std::string_view number) {
    SQLite::Statement query(connection_->db,
                            fmt::format("{} WHERE opp_id = ? AND number = ?", quote_columns));
    query.bind(1, opp_id);
    query.bind(2, std::string(number));
    if (query.executeStep()) return read_quote(query);
    return std::nullopt;
}

std::int64_t RelatedStore::insert_quote(const Quote& quote) {
    SQLite::Statement insert(connection_->db,
                             "INSERT INTO quote (opp_id, number, amount, currency, status, "
                             "valid_until, file, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                             "?, ?, ?)");
    insert.bind(1, quote.opp_id);
    insert.bind(2, quote.number);
    bind_optional(insert, 3, quote.amount);
    insert.bind(4, quote.currency);
    insert.bind(5, std::string(to_string(quote.status)));
    bind_optional_date(insert, 6, quote.valid_until);
    sql::bind_text(insert, 7, quote.file);
    insert.bind(8, quote.created_at);
    insert.bind(9, quote.updated_at);
    insert.exec();
    return connection_->db.getLastInsertRowid();
}

void RelatedStore::update_quote(const Quote& quote) {
    SQLite::Statement update(connection_->db,
                             "UPDATE quote SET amount = ?, currency = ?, status = ?, valid_until = "
                             "?, file = ?, updated_at = ? WHERE id = ?");
    bind_optional(update, 1, quote.amount);
    update.bind(2, quote.currency);
    update.bind(3, std::string(to_string(quote.status)));
    bind_optional_date(update, 4, quote.valid_until);
    sql::bind_text(update, 5, quote.file);
    update.bind(6, quote.updated_at);
    update.bind(7, quote.id);
    update.exec();
}

std::vector<Document> RelatedStore::documents(std::int64_t opp_id) {
    SQLite::Statement query(connection_->db,
                            "SELECT id, opp_id, location, is_url, title, size, sha256, created_at "
                            "FROM document WHERE opp_id = ? ORDER BY id");
    query.bind(1, opp_id);
    std::vector<Document> documents;
    while (query.executeStep())
        documents.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
                             query.getColumn(2).getString(), query.getColumn(3).getInt() != 0,
                             sql::text(query.getColumn(4)), sql::optional_id(query.getColumn(5)),
                             sql::text(query.getColumn(6)), query.getColumn(7).getString()});
    return documents;
}

std::int64_t RelatedStore::insert_document(const Document& document) {
    SQLite::Statement insert(connection_->db,
                             "INSERT INTO document (opp_id, location, is_url, title, size, sha256, "
                             "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, document.opp_id);
    insert.bind(2, document.location);
    insert.bind(3, document.is_url ? 1 : 0);
    sql::bind_text(insert, 4, document.title);
    bind_optional(insert, 5, document.size);
    sql::bind_text(insert, 6, document.sha256);
    insert.bind(7, document.created_at);
    insert.exec();
    return connection_->db.getLastInsertRowid();
}

namespace {
const char* const product_columns =
    "SELECT id, name, kind, unit, price, currency, created_at, updated_at FROM product";

Product read_product(SQLite::Statement& row) {
    Product product;
    product.id = row.getColumn(0).getInt64();
    product.name = row.getColumn(1).getString();
    product.kind = parse_product_kind(row.getColumn(2).getString());
    product.unit = sql::text(row.getColumn(3));
    const auto currency = Currency::find(row.getColumn(5).getString());
    product.price = {row.getColumn(4).getInt64(), currency.value_or(Currency())};
    product.created_at = row.getColumn(6).getString();
    product.updated_at = row.getColumn(7).getString();
    return product;
}

const sql::RecordKind product_kind{
    "product", {"name", "name_key", "kind", "unit", "price", "currency", "updated_at"}};

int bind_product(SQLite::Statement& statement, const Product& product) {
    statement.bind(1, product.name);
    statement.bind(2, std::string(to_string(product.kind)));
    sql::bind_text(statement, 3, product.unit);
    statement.bind(4, product.price.minor);
    statement.bind(5, std::string(product.price.currency.code()));
    statement.bind(6, product.updated_at);
    return 7;
}
}  // namespace

void RelatedStore::for_each_product(
    const std::function<void(const Product&, std::int64_t lines)>& visit) {
    SQLite::Statement query(connection_->db,
                            std::string("SELECT p.id, p.name, p.kind, p.unit, p.price, p.currency, "
                                        "p.created_at, p.updated_at, (SELECT count(*) FROM "
                                        "opportunity_line l WHERE l.product_id = p.id) FROM "
                                        "product p ORDER BY p.name, p.id"));
    while (query.executeStep())
        visit(read_product(query), query.getColumn(8).getInt64());
}

std::optional<Product> RelatedStore::find_product(std::string_view id_or_name) {
    return sql::find_by_id_or_name(connection_->db, product_columns, "products", id_or_name,
                                   read_product);
}

Product RelatedStore::product(std::string_view id_or_name) {
    if (auto product = find_product(id_or_name)) return *product;
    throw not_found(fmt::format("no product {}", in_quotes(trim(id_or_name))));
}

std::int64_t RelatedStore::insert_product(const Product& product) {
    return sql::insert_record(connection_->db, product_kind, product, bind_product);
}

void RelatedStore::update_product(const Product& product) {
    sql::update_record(connection_->db, product_kind, product, bind_product);
}

void RelatedStore::delete_product(std::int64_t id) {
    sql::delete_record(connection_->db, "product", id);
}

std::int64_t RelatedStore::count_lines_of_product(std::int64_t id) {
    return sql::count_of(connection_->db,
                         "SELECT count(*) FROM opportunity_line WHERE product_id = ?", id);
}

std::vector<Line> RelatedStore::lines(std::int64_t opp_id) {
    SQLite::Statement query(connection_->db,
                            "SELECT l.id, l.opp_id, l.product_id, p.name, l.quantity_milli, "
                            "l.unit_price, l.discount_bp, l.total, l.currency, l.created_at FROM "
                            "opportunity_line l JOIN product p ON p.id = l.product_id WHERE "
                            "l.opp_id = ? ORDER BY l.id");
    query.bind(1, opp_id);
    std::vector<Line> lines;
    while (query.executeStep())
        lines.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
                         query.getColumn(2).getInt64(), query.getColumn(3).getString(),
                         query.getColumn(4).getInt64(), query.getColumn(5).getInt64(),
                         query.getColumn(6).getInt64(), query.getColumn(7).getInt64(),
                         query.getColumn(8).getString(), query.getColumn(9).getString()});
    return lines;
}

std::int64_t RelatedStore::insert_line(const Line& line) {
    SQLite::Statement insert(connection_->db,
                             "INSERT INTO opportunity_line (opp_id, product_id, quantity_milli, "
                             "unit_price, discount_bp, total, currency, created_at) VALUES (?, ?, "
                             "?, ?, ?, ?, ?, ?)");
    insert.bind(1, line.opp_id);
    insert.bind(2, line.product_id);
    insert.bind(3, line.quantity_milli);
    insert.bind(4, line.unit_price);
    insert.bind(5, line.discount_bp);
    insert.bind(6, line.total);
    insert.bind(7, line.currency);
    insert.bind(8, line.created_at);
    insert.exec();
    return connection_->db.getLastInsertRowid();
}

std::optional<std::int64_t> RelatedStore::lines_total(std::int64_t opp_id) {
    SQLite::Statement query(connection_->db,
                            "SELECT count(*), sum(total) FROM opportunity_line WHERE opp_id = ?");
    query.bind(1, opp_id);
    query.executeStep();
    if (query.getColumn(0).getInt64() == 0) return std::nullopt;
    return query.getColumn(1).getInt64();
}

namespace {
const char* const activity_columns =
    "SELECT a.id, a.opp_id, o.name, a.org_id, g.name, a.contact_id, c.name, a.type, a.subject, "
    "a.due_date, a.due_minute, a.duration_minutes, a.notes, a.owner, a.done_on, a.created_at, "
    "a.updated_at FROM activity a LEFT JOIN opportunity o ON o.id = a.opp_id LEFT JOIN "
    "organization g ON g.id = a.org_id LEFT JOIN contact c ON c.id = a.contact_id";

Activity read_activity(SQLite::Statement& row) {
    Activity activity;
    activity.id = row.getColumn(0).getInt64();
    activity.opp_id = sql::optional_id(row.getColumn(1));
    activity.opp = sql::text(row.getColumn(2));
    activity.org_id = sql::optional_id(row.getColumn(3));
    activity.org = sql::text(row.getColumn(4));
    activity.contact_id = sql::optional_id(row.getColumn(5));
    activity.contact = sql::text(row.getColumn(6));
    activity.type = parse_activity_type(row.getColumn(7).getString());
    activity.subject = row.getColumn(8).getString();
    activity.due_date = sql::date(row.getColumn(9));
    activity.due_minute = optional_int(row.getColumn(10));
    activity.duration_minutes = optional_int(row.getColumn(11));
    activity.notes = sql::text(row.getColumn(12));
    activity.owner = sql::text(row.getColumn(13));
    activity.done_on = sql::optional_date(row.getColumn(14));
    activity.created_at = row.getColumn(15).getString();
    activity.updated_at = row.getColumn(16).getString();
    return activity;
}

const sql::RecordKind activity_kind{
    "activity",
    {"opp_id", "org_id", "contact_id", "type", "subject", "due_date", "due_minute",
     "duration_minutes", "notes", "owner", "done_on", "updated_at"}};

int bind_activity(SQLite::Statement& statement, const Activity& activity) {
    bind_optional(statement, 1, activity.opp_id);
    bind_optional(statement, 2, activity.org_id);
    bind_optional(statement, 3, activity.contact_id);
    statement.bind(4, std::string(to_string(activity.type)));
    statement.bind(5, activity.subject);
    statement.bind(6, format_date(activity.due_date));
    if (activity.due_minute)
        statement.bind(7, *activity.due_minute);
    else
        statement.bind(7);
    if (activity.duration_minutes)
        statement.bind(8, *activity.duration_minutes);
    else
        statement.bind(8);
    sql::bind_text(statement, 9, activity.notes);
    sql::bind_text(statement, 10, activity.owner);
    bind_optional_date(statement, 11, activity.done_on);
    statement.bind(12, activity.updated_at);
    return 13;
}
}  // namespace

std::int64_t RelatedStore::insert_activity(const Activity& activity) {
    return sql::insert_record(connection_->db, activity_kind, activity, bind_activity);
}

void RelatedStore::update_activity(const Activity& activity) {
    sql::update_record(connection_->db, activity_kind, activity, bind_activity);
}

void RelatedStore::delete_activity(std::int64_t id) {
    sql::delete_record(connection_->db, "activity", id);
}

std::optional<Activity> RelatedStore::find_activity(std::int64_t id) {
    SQLite::Statement query(connection_->db, fmt::format("{} WHERE a.id = ?", activity_columns));
    query.bind(1, id);
    if (query.executeStep()) return read_activity(query);
    return std::nullopt;
}

Activity RelatedStore::activity(std::int64_t id) {
    if (auto activity = find_activity(id)) return *activity;
    throw not_found(fmt::format("no activity with id {}", id));
}

void RelatedStore::for_each_activity(const ActivityQuery& query,
                                     const std::function<void(const Activity&)>& visit) {
    std::string sql = fmt::format("{} WHERE 1", activity_columns);
    std::vector<std::string> values;
    if (query.state == ActivityQuery::State::pending) sql += " AND a.done_on IS NULL";
    if (query.state == ActivityQuery::State::done) sql += " AND a.done_on IS NOT NULL";
    if (query.opp_id) sql += " AND a.opp_id = ?", values.push_back(std::to_string(*query.opp_id));
    if (query.due_from)
        sql += " AND a.due_date >= ?", values.push_back(format_date(*query.due_from));
    if (query.due_to) sql += " AND a.due_date <= ?", values.push_back(format_date(*query.due_to));
    if (query.owner) sql += " AND a.owner = ? COLLATE NOCASE", values.push_back(*query.owner);
    sql += " ORDER BY a.due_date, a.due_minute IS NOT NULL, a.due_minute, a.id";
    SQLite::Statement statement(connection_->db, sql);
    for (std::size_t i = 0; i < values.size(); ++i)
        statement.bind(int(i) + 1, values[i]);
    while (statement.executeStep())
        visit(read_activity(statement));
}

}  // namespace funnel
