// Parsing of option values, with one-line errors that name the option and the value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "funnel/domain/date.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel::cli {

// Runs `parse(value)`; an error it throws is reworded to name the option and the value:
// "invalid --close 'tomorow': expected YYYY-MM-DD, ...".
template <typename Parse>
auto parse_option(std::string_view option, const std::string& value, Parse&& parse)
    -> decltype(parse(value)) {
    try {
        return parse(value);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::invalid)
            throw Error(e.kind(),
                        fmt::format("invalid {} {}: {}", option, in_quotes(value), e.what()));
        throw Error(e.kind(), fmt::format("{} {}: {}", option, in_quotes(value), e.what()));
    }
}

Date parse_date_option(std::string_view option, const std::string& value, Date today);
// Error(invalid) when a range's end (option `to_option`) comes before its start: an empty range
// would read as "nothing there".
void require_range(std::string_view from_option, Date from, std::string_view to_option, Date to);
std::int64_t parse_amount_option(std::string_view option, const std::string& value,
                                 const Currency& currency);
Currency parse_currency_option(std::string_view option, const std::string& value);
int parse_probability_option(std::string_view option, const std::string& value);
std::int64_t parse_count_option(std::string_view option, const std::string& value);
// A stage by name or unique prefix (resolve_stage), in an option's error when none or several.
const Stage& parse_stage_option(const std::vector<Stage>& stages, std::string_view option,
                                const std::string& value);
// A dwell, in seconds: a duration (30m, 1h, 1h30m) or 0 for none.
std::int64_t parse_dwell_option(std::string_view option, const std::string& value);
// A record id: a positive whole number.
std::int64_t parse_id(std::string_view what, const std::string& value);

// Text a user typed for a field: valid UTF-8, no control characters (newlines and tabs only
// where `multiline`), at most `max_length` bytes. Names must not be blank; they are trimmed.
std::string text_option(std::string_view option, const std::string& value, TextKind kind);

}  // namespace funnel::cli
