#include "funnel/store/field_store.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/domain/text.hpp"
#include "store/connection.hpp"

namespace funnel {

namespace {

constexpr const char* field_columns =
    "SELECT id, record, name, label, type, choices, position FROM field";

CustomField read_field(sql::Cursor& row) {
    CustomField field;
    field.id = row.integer(0);
    field.record = parse_field_record(row.text(1));
    field.name = row.string(2);
    field.label = row.string(3);
    field.type = parse_field_type(row.text(4));
    if (!row.null(5)) field.choices = split(row.text(5), ';');
    field.position = int(row.integer(6));
    return field;
}

}  // namespace

namespace sql {

const char* field_values_table(FieldRecord record) {
    switch (record) {
        case FieldRecord::opp:
            return "opportunity_field";
        case FieldRecord::org:
            return "organization_field";
        case FieldRecord::contact:
            return "contact_field";
    }
    return "opportunity_field";
}

namespace {
const char* key_column(FieldRecord record) {
    return record == FieldRecord::opp   ? "opp_id"
           : record == FieldRecord::org ? "org_id"
                                        : "contact_id";
}
}  // namespace

std::string field_values_of(FieldRecord record, std::string_view id) {
    return fmt::format(
        "(SELECT json_group_array(json_array(f.position, f.name, f.type, v.value)) FROM {} v "
        "JOIN field f ON f.id = v.field_id WHERE v.{} = {})",
        field_values_table(record), key_column(record), id);
}

std::vector<FieldValue> read_field_values(std::string_view json) {
    std::vector<FieldValue> values;
    if (json.empty() || json == "[]") return values;
    std::vector<std::pair<std::int64_t, FieldValue>> ordered;
    for (const auto& item : nlohmann::json::parse(json))
        ordered.push_back(
            {item[0].get<std::int64_t>(),
             {item[1].get<std::string>(), parse_field_type(item[2].get<std::string>()),
              item[3].get<std::string>()}});
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [position, value] : ordered)
        values.push_back(std::move(value));
    return values;
}

void replace_field_values(Connection& connection, FieldRecord record, std::int64_t id,
                          const std::vector<FieldValue>& before,
                          const std::vector<FieldValue>& after) {
    const auto find = [](const std::vector<FieldValue>& values, const std::string& name) {
        return std::find_if(values.begin(), values.end(),
                            [&](const FieldValue& v) { return v.name == name; });
    };
    const std::string table = field_values_table(record);
    const std::string key = key_column(record);
    const std::string field_id =
        fmt::format("(SELECT id FROM field WHERE record = '{}' AND name = ?)", to_string(record));
    for (const auto& value : before)
        if (find(after, value.name) == after.end()) {
            auto& remove = connection.statement(
                fmt::format("DELETE FROM {} WHERE {} = ? AND field_id = {}", table, key, field_id));
            remove.bind(1, id);
            remove.bind(2, value.name);
            remove.run();
        }
    for (const auto& value : after) {
        const auto was = find(before, value.name);
        if (was != before.end() && was->value == value.value) continue;
        auto& upsert = connection.statement(
            fmt::format("INSERT INTO {0} ({1}, field_id, value) VALUES (?1, {2}, ?3) ON CONFLICT "
                        "({1}, field_id) DO UPDATE SET value = excluded.value",
                        table, key,
                        fmt::format("(SELECT id FROM field WHERE record = '{}' AND name = ?2)",
                                    to_string(record))));
        upsert.bind(1, id);
        upsert.bind(2, value.name);
        upsert.bind(3, value.value);
        upsert.run();
    }
}

}  // namespace sql

std::vector<CustomField> FieldStore::all(std::optional<FieldRecord> record) {
    sql::Cursor rows(connection_->db,
                     std::string(field_columns) +
                         " WHERE ?1 IS NULL OR record = ?1 ORDER BY CASE record WHEN 'opp' THEN 1 "
                         "WHEN 'org' THEN 2 ELSE 3 END, position, id");
    if (record)
        rows.bind(1, std::string(to_string(*record)));
    else
        rows.bind_null(1);
    std::vector<CustomField> fields;
    while (rows.step())
        fields.push_back(read_field(rows));
    return fields;
}

std::optional<CustomField> FieldStore::find(FieldRecord record, const std::string& name) {
    sql::Cursor rows(connection_->db,
                     std::string(field_columns) + " WHERE record = ? AND name = ?");
    rows.bind(1, std::string(to_string(record)));
    rows.bind(2, name);
    if (!rows.step()) return std::nullopt;
    return read_field(rows);
}

std::int64_t FieldStore::insert(const CustomField& field) {
    sql::Cursor insert(connection_->db,
                       "INSERT INTO field (record, name, label, type, choices, position) VALUES "
                       "(?1, ?2, ?3, ?4, ?5, (SELECT coalesce(max(position), 0) + 1 FROM field "
                       "WHERE record = ?1))");
    insert.bind(1, std::string(to_string(field.record)));
    insert.bind(2, field.name);
    insert.bind(3, field.label);
    insert.bind(4, std::string(to_string(field.type)));
    insert.bind_text(5, join(field.choices, ";"));
    insert.run();
    return connection_->db.getLastInsertRowid();
}

void FieldStore::update(const CustomField& field) {
    sql::Cursor update(connection_->db,
                       "UPDATE field SET name = ?, label = ?, choices = ? WHERE id = ?");
    update.bind(1, field.name);
    update.bind(2, field.label);
    update.bind_text(3, join(field.choices, ";"));
    update.bind(4, field.id);
    update.run();
}

void FieldStore::remove(std::int64_t id) {
    sql::delete_record(connection_->db, "field", id);
}

std::int64_t FieldStore::uses(const CustomField& field) {
    return sql::count_of(connection_->db,
                         fmt::format("SELECT count(*) FROM {} WHERE field_id = ?",
                                     sql::field_values_table(field.record))
                             .c_str(),
                         field.id);
}

}  // namespace funnel
