// What the store's source files share: the connection and small binding helpers.
#pragma once

#include <optional>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "funnel/date.hpp"
#include "funnel/store.hpp"

namespace funnel {

struct Store::Impl {
    std::filesystem::path path;
    bool on_disk = false;
    SQLite::Database db;
    int version = 0;

    Impl(std::filesystem::path file, bool exists, SQLite::Database database)
        : path(std::move(file)), on_disk(exists), db(std::move(database)) {}
};

namespace sql {

// Empty text is stored as NULL: "no next step" has one representation.
inline void bind_text(SQLite::Statement& statement, int index, const std::string& text) {
    if (text.empty())
        statement.bind(index);
    else
        statement.bind(index, text);
}

inline void bind_id(SQLite::Statement& statement, int index,
                    const std::optional<std::int64_t>& id) {
    if (id)
        statement.bind(index, *id);
    else
        statement.bind(index);
}

inline std::string text(const SQLite::Column& column) {
    return column.isNull() ? std::string{} : column.getString();
}

inline std::optional<std::int64_t> optional_id(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getInt64();
}

inline std::optional<std::string> optional_text(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

// A date column written by this store; a damaged value is reported, never guessed.
Date date(const SQLite::Column& column);
std::optional<Date> optional_date(const SQLite::Column& column);

}  // namespace sql
}  // namespace funnel
