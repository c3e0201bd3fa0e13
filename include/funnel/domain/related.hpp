// The records around a deal: contacts with a role, quotes, documents, products and services
// (lines), and activities.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "funnel/domain/date.hpp"
#include "funnel/domain/money.hpp"

namespace funnel {

// The role a contact plays in a deal.
std::string parse_contact_role(std::string_view text);  // decision-maker, ..., other

struct ContactLink {
    std::int64_t id = 0;
    std::int64_t opp_id = 0;
    std::int64_t contact_id = 0;
    std::string contact;
    std::string email;
    std::string title;
    std::string role;
    bool primary = false;
};

enum class QuoteStatus { draft, sent, accepted, rejected, expired };
std::string_view to_string(QuoteStatus status);
QuoteStatus parse_quote_status(std::string_view text);

struct Quote {
    std::int64_t id = 0;
    std::int64_t opp_id = 0;
    std::string number;
    std::optional<std::int64_t> amount;  // minor units of the deal's currency
    std::string currency;
    QuoteStatus status = QuoteStatus::draft;
    std::optional<Date> valid_until;
    std::string file;
    Timestamp created_at;
    Timestamp updated_at;
};

struct Document {
    std::int64_t id = 0;
    std::int64_t opp_id = 0;
    std::string location;  // an absolute path or a URL
    bool is_url = false;
    std::string title;
    std::optional<std::int64_t> size;  // for a file: when linked
    std::string sha256;                // for a file: when linked
    Timestamp created_at;
};

// Whether text names a URL (scheme://...) rather than a file.
bool looks_like_url(std::string_view text);

enum class ProductKind { product, service };
std::string_view to_string(ProductKind kind);
ProductKind parse_product_kind(std::string_view text);

struct Product {
    std::int64_t id = 0;
    std::string name;
    ProductKind kind = ProductKind::product;
    std::string unit;
    Money price;
    Timestamp created_at;
    Timestamp updated_at;
};

// A line of a deal: quantity x unit price, less a discount.
struct Line {
    std::int64_t id = 0;
    std::int64_t opp_id = 0;
    std::int64_t product_id = 0;
    std::string product;
    std::int64_t quantity_milli = 1000;  // thousandths: 1.5 hours is 1500
    std::int64_t unit_price = 0;         // minor units
    std::int64_t discount_bp = 0;        // hundredths of a percent: 12.5 % is 1250
    std::int64_t total = 0;              // minor units
    std::string currency;
    Timestamp created_at;
};

// quantity × unit price × (1 - discount), rounded half up once, to a minor unit of a currency
// with `digits` decimals. Throws Error(invalid) above the largest amount.
std::int64_t line_total(std::int64_t quantity_milli, std::int64_t unit_price,
                        std::int64_t discount_bp, int digits);
// "3", "2.5", "0.125": at most three decimals, more than zero. Throws Error(invalid).
std::int64_t parse_quantity(std::string_view text);
// "10", "12.5", "12.5%": 0 to 100 with at most two decimals. Throws Error(invalid).
std::int64_t parse_discount(std::string_view text);
std::string format_quantity(std::int64_t quantity_milli);

enum class ActivityType { call, meeting, task, email };
std::string_view to_string(ActivityType type);
ActivityType parse_activity_type(std::string_view text);

struct Activity {
    std::int64_t id = 0;
    std::optional<std::int64_t> opp_id;
    std::string opp;
    std::optional<std::int64_t> org_id;
    std::string org;
    std::optional<std::int64_t> contact_id;
    std::string contact;
    ActivityType type = ActivityType::task;
    std::string subject;
    Date due_date;
    std::optional<int> due_minute;  // minutes after midnight, when it has a time
    std::optional<int> duration_minutes;
    std::string notes;
    std::string owner;
    std::optional<Date> done_on;
    Timestamp created_at;
    Timestamp updated_at;
};

// A due moment: a date form of parse_date, optionally followed by a time "HH:MM"
// ("2026-11-20 14:30", "fri 09:00", "tomorrow"). Throws Error(invalid).
struct Due {
    Date date;
    std::optional<int> minute;
};
Due parse_due(std::string_view text, Date today);
std::string format_minute(int minute);  // "14:30"

// "30m", "1h", "1h30m", "90" (minutes); 1 minute to a week. Throws Error(invalid).
int parse_duration(std::string_view text);

}  // namespace funnel
