#include "funnel/store/rate_store.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "store/connection.hpp"

namespace funnel {

namespace {

StoredRate read_rate(sql::Cursor& row) {
    return {*parse_iso_date(row.text(0)), row.string(1), row.string(2), parse_rate(row.text(3))};
}

// A currency code and a YYYY-MM-DD day as one number: the converter's key.
std::uint64_t key_of(std::string_view currency, std::string_view day) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < 3 && i < currency.size(); ++i)
        key = (key << 8) | static_cast<unsigned char>(currency[i]);
    std::uint64_t number = 0;
    for (const char c : day)
        if (c >= '0' && c <= '9') number = number * 10 + std::uint64_t(c - '0');
    return (key << 32) | number;
}

// funnel_in(amount, currency, day): the amount in the converter's currency, rounded once.
void convert_function(sqlite3_context* context, int, sqlite3_value** arguments) {
    auto* converter = static_cast<AmountConverter*>(sqlite3_user_data(context));
    if (sqlite3_value_type(arguments[0]) == SQLITE_NULL) return sqlite3_result_null(context);
    const auto text = [&](int i) {
        const auto* bytes = sqlite3_value_text(arguments[i]);
        return bytes ? std::string_view(reinterpret_cast<const char*>(bytes),
                                        std::size_t(sqlite3_value_bytes(arguments[i])))
                     : std::string_view();
    };
    try {
        const auto converted =
            converter->convert_text(sqlite3_value_int64(arguments[0]), text(1), text(2));
        if (!converted) return sqlite3_result_error(context, "no exchange rate", -1);
        sqlite3_result_int64(context, *converted);
    } catch (const Error& e) {
        sqlite3_result_error(context, e.what(), -1);
    }
}

}  // namespace

std::optional<ExactRate> RateStore::set(const StoredRate& rate) {
    auto& db = connection_->db;
    SQLite::Statement old(db,
                          "SELECT rate FROM exchange_rate WHERE from_currency = ? AND to_currency "
                          "= ? AND day = ?");
    old.bind(1, rate.from);
    old.bind(2, rate.to);
    old.bind(3, format_date(rate.day));
    std::optional<ExactRate> replaced;
    if (old.executeStep()) replaced = parse_rate(old.getColumn(0).getString());
    SQLite::Statement write(db,
                            "INSERT INTO exchange_rate (day, from_currency, to_currency, rate) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT (from_currency, to_currency, day) "
                            "DO UPDATE SET rate = excluded.rate");
    write.bind(1, format_date(rate.day));
    write.bind(2, rate.from);
    write.bind(3, rate.to);
    write.bind(4, format_rate(rate.rate));
    write.exec();
    return replaced;
}

std::vector<StoredRate> RateStore::list(const std::optional<std::string>& currency,
                                        std::optional<Date> from, std::optional<Date> to) {
    std::string sql = "SELECT day, from_currency, to_currency, rate FROM exchange_rate WHERE 1";
    if (currency) sql += " AND (from_currency = ?1 OR to_currency = ?1)";
    if (from) sql += " AND day >= ?2";
    if (to) sql += " AND day <= ?3";
    sql::Cursor rows(connection_->db, sql + " ORDER BY from_currency, to_currency, day");
    if (currency) rows.bind(1, *currency);
    if (from) rows.bind(2, format_date(*from));
    if (to) rows.bind(3, format_date(*to));
    std::vector<StoredRate> rates;
    while (rows.step())
        rates.push_back(read_rate(rows));
    return rates;
}

std::int64_t RateStore::count() {
    return connection_->db.execAndGet("SELECT count(*) FROM exchange_rate").getInt64();
}

std::optional<std::pair<Date, RateFraction>> RateStore::one_way(std::string_view from,
                                                                std::string_view to, Date day) {
    auto& statement = connection_->statement(
        "SELECT day, rate FROM exchange_rate WHERE from_currency = ? AND to_currency = ? AND "
        "day <= ? ORDER BY day DESC LIMIT 1");
    statement.bind(1, std::string(from));
    statement.bind(2, std::string(to));
    statement.bind(3, format_date(day));
    if (!statement.step()) return std::nullopt;
    return std::pair{*parse_iso_date(statement.text(0)),
                     fraction_of(parse_rate(statement.text(1)))};
}

std::optional<FoundRate> RateStore::find(std::string_view from, std::string_view to, Date day,
                                         std::string_view base) {
    if (from == to) return FoundRate{{}, RateSource::same, day, ""};
    // The pair given either way: the later rate of the two; the one of this way on the same day.
    const auto direct = [&](std::string_view a, std::string_view b) -> std::optional<FoundRate> {
        const auto given = one_way(a, b, day);
        const auto other = one_way(b, a, day);
        if (given && (!other || given->first >= other->first))
            return FoundRate{given->second, RateSource::given, given->first, ""};
        if (other) return FoundRate{inverse(other->second), RateSource::inverse, other->first, ""};
        return std::nullopt;
    };
    if (auto found = direct(from, to)) return found;
    if (from == base || to == base) return std::nullopt;
    const auto first = direct(from, base);
    const auto second = first ? direct(base, to) : std::nullopt;
    if (!second) return std::nullopt;
    return FoundRate{times(first->rate, second->rate), RateSource::cross,
                     std::min(first->day, second->day), std::string(base)};
}

AmountConverter::AmountConverter(Connection& connection, Currency to, Date open_day,
                                 std::string base)
    : connection_(&connection),
      to_(to),
      open_day_(open_day),
      base_(std::move(base)),
      open_day_text_(format_date(open_day)) {
    const int result =
        sqlite3_create_function_v2(connection.db.getHandle(), "funnel_in", 3, SQLITE_UTF8, this,
                                   convert_function, nullptr, nullptr, nullptr);
    if (result != SQLITE_OK) throw SQLite::Exception(connection.db.getHandle(), result);
}

AmountConverter::~AmountConverter() {
    sqlite3_create_function_v2(connection_->db.getHandle(), "funnel_in", 3, SQLITE_UTF8, nullptr,
                               nullptr, nullptr, nullptr, nullptr);
}

const AmountConverter::Entry& AmountConverter::lookup(std::string_view currency, Date day) {
    const std::uint64_t key = key_of(currency, format_date(day));
    if (const auto found = entries_.find(key); found != entries_.end()) return found->second;
    auto rate = RateStore(*connection_).find(currency, to_.code(), day, base_);
    if (!rate)
        throw not_found(fmt::format(
            "no exchange rate from {} to {} on or before {}: give one with funnel fx set {} {} "
            "RATE --on {}, or fx import",
            currency, to_.code(), format_date(day), currency, to_.code(), format_date(day)));
    return entries_.emplace(key, Entry{std::string(currency), day, *rate, digits_of(currency)})
        .first->second;
}

const FoundRate& AmountConverter::rate(std::string_view currency, Date day) {
    return lookup(currency, day).found;
}

std::int64_t AmountConverter::convert(std::int64_t minor, std::string_view currency, Date day) {
    const Entry& entry = lookup(currency, day);
    return convert_minor(minor, entry.digits, to_.digits(), entry.found.rate);
}

const AmountConverter::Entry* AmountConverter::entry(std::string_view currency,
                                                     std::string_view day) {
    const std::uint64_t key = key_of(currency, day.empty() ? open_day_text_ : day);
    if (last_ && key == last_key_) return last_;
    try {
        const Date when = day.empty() ? open_day_ : parse_iso_date(day).value_or(open_day_);
        last_ = &lookup(currency, when);
        last_key_ = key;
        last_result_known_ = false;
        return last_;
    } catch (const Error& e) {
        missing_ = e;
        return nullptr;
    }
}

std::optional<std::int64_t> AmountConverter::convert_text(std::int64_t minor,
                                                          std::string_view currency,
                                                          std::string_view day) {
    const std::uint64_t key = key_of(currency, day.empty() ? open_day_text_ : day);
    if (last_result_known_ && key == last_key_ && minor == last_minor_) return last_result_;
    const Entry* found = entry(currency, day);
    if (!found) return std::nullopt;
    last_minor_ = minor;
    last_result_ = convert_minor(minor, found->digits, to_.digits(), found->found.rate);
    last_result_known_ = true;
    return last_result_;
}

std::vector<std::string> AmountConverter::open_rates_used() const {
    std::vector<const Entry*> open;
    for (const auto& [key, entry] : entries_)
        if (entry.day == open_day_ && entry.found.source != RateSource::same)
            open.push_back(&entry);
    std::sort(open.begin(), open.end(),
              [](const Entry* a, const Entry* b) { return a->currency < b->currency; });
    std::vector<std::string> used;
    for (const auto* entry : open)
        used.push_back(describe_rate(entry->currency, to_.code(), entry->found));
    return used;
}

bool AmountConverter::converted_any() const {
    for (const auto& [key, entry] : entries_)
        if (entry.found.source != RateSource::same) return true;
    return false;
}

void AmountConverter::rethrow_missing() const {
    if (missing_) throw *missing_;
}

}  // namespace funnel
