#include "funnel/formats/rates_file.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"

namespace funnel {

namespace {

// 2026-11-27, or the ECB's daily file's "27 November 2026".
std::optional<Date> rate_day(std::string_view text) {
    if (auto day = parse_iso_date(text)) return day;
    static constexpr std::array<std::string_view, 12> months = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    const auto words = split(text, ' ');
    std::vector<std::string> parts;
    for (const auto& word : words)
        if (!trim(word).empty()) parts.emplace_back(trim(word));
    if (parts.size() != 3) return std::nullopt;
    const auto number = [](const std::string& digits) -> std::optional<int> {
        if (digits.empty() || digits.size() > 4 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return std::stoi(digits);
    };
    const auto day = number(parts[0]), year = number(parts[2]);
    const std::string month = ascii_lower(parts[1]);
    const auto found = std::find_if(months.begin(), months.end(), [&](std::string_view name) {
        return month.size() >= 3 && name.substr(0, month.size()) == month;
    });
    if (!day || !year || found == months.end() || parts[2].size() != 4) return std::nullopt;
    const Date date{std::chrono::year(*year),
                    std::chrono::month(unsigned(found - months.begin() + 1)),
                    std::chrono::day(unsigned(*day))};
    if (!date.ok()) return std::nullopt;
    return date;
}

std::string at(const CsvReader& reader) {
    return fmt::format("line {}", reader.line());
}

Date day_of(const CsvReader& reader, const std::string& text) {
    const auto day = rate_day(trim(text));
    if (!day)
        throw invalid_input(
            fmt::format("{}: invalid date {}: expected YYYY-MM-DD or 27 November 2026", at(reader),
                        in_quotes(text)));
    return *day;
}

ExactRate rate_of(const CsvReader& reader, const std::string& text, std::string_view pair) {
    try {
        return parse_rate(text);
    } catch (const Error& e) {
        throw invalid_input(fmt::format("{}: {}: invalid rate {}: {}", at(reader), pair,
                                        in_quotes(trim(text)), e.what()));
    }
}

std::string currency_of(const CsvReader& reader, std::string_view column, const std::string& text) {
    const auto currency = Currency::find(trim(text));
    if (!currency)
        throw invalid_input(fmt::format("{}: {} {}: not an ISO 4217 currency code", at(reader),
                                        column, in_quotes(text)));
    return std::string(currency->code());
}

void read_ecb(CsvReader& reader, const std::vector<std::string>& header, RatesFile& file) {
    file.format = "ECB";
    // The column of each currency known; the others are left out.
    std::vector<std::pair<std::size_t, std::string>> columns;
    for (std::size_t i = 1; i < header.size(); ++i) {
        const std::string code = ascii_upper(trim(header[i]));
        if (code.empty()) continue;  // the daily file ends each line with a comma
        const auto currency = Currency::find(code);
        if (!currency || code == "EUR") {
            file.skipped.push_back(code);
            continue;
        }
        columns.emplace_back(i, code);
    }
    std::vector<std::string> fields;
    while (reader.next(fields)) {
        const Date day = day_of(reader, fields[0]);
        for (const auto& [index, code] : columns) {
            if (index >= fields.size()) continue;
            const std::string value(trim(fields[index]));
            if (value.empty() || value == "N/A") continue;
            file.rates.push_back({day, "EUR", code, rate_of(reader, value, "EUR/" + code)});
        }
    }
}

void read_plain(CsvReader& reader, const std::vector<std::string>& header, RatesFile& file) {
    file.format = "date,from,to,rate";
    std::array<std::size_t, 4> index{};
    const std::array<std::string_view, 4> names = {"date", "from", "to", "rate"};
    for (std::size_t n = 0; n < names.size(); ++n) {
        const auto found = std::find_if(header.begin(), header.end(), [&](const std::string& h) {
            return ascii_lower(trim(h)) == names[n];
        });
        if (found == header.end())
            throw invalid_input(fmt::format(
                "line 1: expected the ECB's header (Date, USD, JPY, ...) or date,from,to,rate; "
                "there is no {} column",
                names[n]));
        index[n] = std::size_t(found - header.begin());
    }
    std::vector<std::string> fields;
    while (reader.next(fields)) {
        fields.resize(std::max(fields.size(), header.size()));
        StoredRate rate;
        rate.day = day_of(reader, fields[index[0]]);
        rate.from = currency_of(reader, "from", fields[index[1]]);
        rate.to = currency_of(reader, "to", fields[index[2]]);
        if (rate.from == rate.to)
            throw invalid_input(fmt::format("{}: from and to are both {}", at(reader), rate.from));
        rate.rate = rate_of(reader, fields[index[3]], rate.from + "/" + rate.to);
        file.rates.push_back(std::move(rate));
    }
}

}  // namespace

RatesFile read_rates_file(std::FILE* input) {
    CsvReader reader(input, ',');
    RatesFile file;
    std::vector<std::string> header;
    if (!reader.next(header)) throw invalid_input("the file is empty");
    if (!header.empty() && ascii_lower(trim(header[0])) == "date" && header.size() > 1 &&
        Currency::find(trim(header[1])) && ascii_lower(trim(header[1])) != "from")
        read_ecb(reader, header, file);
    else
        read_plain(reader, header, file);
    return file;
}

}  // namespace funnel
