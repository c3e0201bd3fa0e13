#include "funnel/domain/money.hpp"

#include <charconv>

#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {

struct CurrencyEntry {
    std::string_view code;
    int digits;
};

// Active ISO 4217 codes with their minor units (ISO 4217 list, 2025), plus HRK and SLL that
// recent exports still carry.
constexpr CurrencyEntry currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2},
    {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2},
    {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2},
    {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HRK", 2}, {"HTG", 2}, {"HUF", 2},
    {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3},
    {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3},
    {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3},
    {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2},
    {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2},
    {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2},
    {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2},
    {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0},
    {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2},
    {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2},
    {"ZWG", 2}, {"ZWL", 2},
};

// Codes compare in any case, without allocating: every deal read looks its currency up.
const CurrencyEntry* lookup(std::string_view code) {
    const auto upper = [](char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; };
    for (const auto& entry : currencies)
        if (upper(code[0]) == entry.code[0] && upper(code[1]) == entry.code[1] &&
            upper(code[2]) == entry.code[2])
            return &entry;
    return nullptr;
}

constexpr std::int64_t pow10(int n) {
    std::int64_t value = 1;
    while (n-- > 0)
        value *= 10;
    return value;
}

const char* const amount_hint = "expected a number like 12000, 12000.50, 12,000.50 or 12k";

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The digits of an amount with its thousands separators taken out and its decimal mark made '.':
// "1,234.56", "1.234,56", "1 234,56", "1'234.56" and "1,234,567" as people write them. A lone
// ',' is a decimal comma when one or two digits follow it ("12,5") and a thousands separator
// when three do and the currency cannot have three decimals ("1,234" in EUR). A lone '.' is
// always the decimal point. Anything that could be read two ways, or that groups digits other
// than by three, is refused with the reason.
std::string without_grouping(std::string_view text, int digits) {
    const char* const groups_of_three = "thousands separators go between groups of three digits";
    const auto marks = text.find_first_of(",. _'");
    if (marks == std::string_view::npos) return std::string(text);
    const bool has_comma = text.find(',') != std::string_view::npos;
    const bool has_point = text.find('.') != std::string_view::npos;
    const auto last_mark = text.find_last_of(",.");
    // The decimal mark: the last ',' or '.', when it is one.
    std::optional<std::size_t> decimal;
    if (has_comma && has_point) {
        decimal = last_mark;
        const char other = text[last_mark] == '.' ? ',' : '.';
        if (text.find(text[last_mark]) != last_mark ||
            text.find(other, last_mark) != std::string_view::npos)
            throw invalid_input("'.' and ',' are mixed up; write 1,234.56 or 1.234,56");
    } else if (has_point) {
        if (text.find('.') == last_mark) decimal = last_mark;  // several are groups: 1.234.567
    } else if (has_comma && text.find(',') == last_mark) {
        const std::size_t after = text.size() - last_mark - 1;
        if (after == 3 && digits >= 3)
            throw invalid_input(
                "',' could be a thousands separator or a decimal comma in this currency; write "
                "the amount without it, or with '.' as the decimal point");
        if (after != 3) decimal = last_mark;
    }
    const std::string_view whole = text.substr(0, decimal.value_or(text.size()));
    std::string plain;
    std::size_t group = 0;  // digits since the last separator
    bool grouped = false;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        const char c = whole[i];
        if (is_digit(c)) {
            plain += c;
            ++group;
            continue;
        }
        if (c != ',' && c != '.' && c != ' ' && c != '_' && c != '\'') return std::string(text);
        const bool first = !grouped;
        if ((first && (group == 0 || group > 3)) || (!first && group != 3))
            throw invalid_input(groups_of_three);
        grouped = true;
        group = 0;
    }
    if (grouped && group != 3) throw invalid_input(groups_of_three);
    if (decimal) {
        plain += '.';
        plain += text.substr(*decimal + 1);
    }
    return plain;
}

}  // namespace

Currency::Currency(std::string_view code, int digits) : digits_(digits) {
    std::copy_n(code.data(), 3, code_);
}

std::optional<Currency> Currency::find(std::string_view code) {
    if (code.size() != 3) return std::nullopt;
    const CurrencyEntry* entry = lookup(code);
    if (!entry) return std::nullopt;
    return Currency(entry->code, entry->digits);
}

Currency Currency::parse(std::string_view code) {
    if (auto currency = find(trim(code))) return *currency;
    throw invalid_input("expected an ISO 4217 currency code such as EUR, USD, GBP or JPY");
}

std::int64_t parse_amount(std::string_view input, int digits) {
    std::string_view text = trim(input);
    if (text.empty()) throw invalid_input(amount_hint);
    if (text.front() == '-') throw invalid_input("amounts are never negative");
    if (text.front() == '+') text.remove_prefix(1);
    int exponent = 0;
    if (!text.empty()) {
        const char suffix = text.back();
        if (suffix == 'k' || suffix == 'K') exponent = 3;
        if (suffix == 'm' || suffix == 'M') exponent = 6;
        if (exponent) text.remove_suffix(1);
    }
    const std::string plain = without_grouping(text, digits);
    text = plain;
    const auto point = text.find('.');
    std::string_view whole = text.substr(0, point);
    std::string_view fraction =
        point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
    const auto digits_only = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if ((whole.empty() && fraction.empty()) || !digits_only(whole) || !digits_only(fraction) ||
        (point != std::string_view::npos && fraction.empty()))
        throw invalid_input(amount_hint);
    while (whole.size() > 1 && whole.front() == '0')
        whole.remove_prefix(1);
    while (!fraction.empty() && fraction.back() == '0')
        fraction.remove_suffix(1);
    const int scale = digits + exponent;
    if (int(fraction.size()) > scale) {
        if (digits == 0) throw invalid_input("this currency has no decimals");
        throw invalid_input(
            fmt::format("at most {} decimal{} for this currency", digits, digits == 1 ? "" : "s"));
    }
    const auto too_large = [] {
        return invalid_input(fmt::format("too large (at most {})",
                                         format_units(max_amount_major, 0, Grouping::thousands)));
    };
    if (whole.size() > 15) throw too_large();
    std::int64_t whole_value = 0;
    for (char c : whole)
        whole_value = whole_value * 10 + (c - '0');
    std::int64_t fraction_value = 0;
    for (char c : fraction)
        fraction_value = fraction_value * 10 + (c - '0');
    fraction_value *= pow10(scale - int(fraction.size()));
    // whole × 10^exponent must stay within the maximum before scaling to minor units.
    if (exponent && whole_value > max_amount_major / pow10(exponent)) throw too_large();
    const std::int64_t major = whole_value * pow10(exponent);
    const std::int64_t extra_major = fraction_value / pow10(digits);
    if (major > max_amount_major || major + extra_major > max_amount_major) throw too_large();
    return major * pow10(digits) + fraction_value;
}

namespace {

// The unsigned magnitude, so that the most negative value cannot overflow.
std::uint64_t magnitude_of(std::int64_t units) {
    return units < 0 ? std::uint64_t(0) - static_cast<std::uint64_t>(units) : std::uint64_t(units);
}

}  // namespace

std::string format_units(std::int64_t units, int digits, Grouping grouping) {
    const std::uint64_t magnitude = magnitude_of(units);
    const std::uint64_t divisor = std::uint64_t(pow10(digits));
    std::string whole = fmt::format("{}", magnitude / divisor);
    if (grouping == Grouping::thousands)
        for (int i = int(whole.size()) - 3; i > 0; i -= 3)
            whole.insert(std::size_t(i), ",");
    std::string out = units < 0 ? "-" + whole : whole;
    if (digits > 0) out += fmt::format(".{:0{}}", magnitude % divisor, digits);
    return out;
}

void append_plain_number(std::string& out, std::int64_t units, int digits) {
    // Written without fmt: an export calls this twice for each of a million deals.
    const std::uint64_t magnitude = magnitude_of(units);
    const std::uint64_t divisor = std::uint64_t(pow10(digits));
    if (units < 0) out += '-';
    char text[24];
    const char* whole_end = std::to_chars(text, text + sizeof text, magnitude / divisor).ptr;
    out.append(text, std::size_t(whole_end - text));
    std::uint64_t fraction = magnitude % divisor;
    if (fraction == 0) return;
    int places = digits;
    for (; fraction % 10 == 0; --places)
        fraction /= 10;  // no trailing zeros
    const auto length = std::to_chars(text, text + sizeof text, fraction).ptr - text;
    out += '.';
    out.append(std::size_t(places - length), '0');
    out.append(text, std::size_t(length));
}

std::string format_plain_number(std::int64_t units, int digits) {
    std::string out;
    append_plain_number(out, units, digits);
    return out;
}

std::string format_money(const Money& money) {
    return format_units(money.minor, money.currency.digits(), Grouping::thousands) + " " +
           std::string(money.currency.code());
}

std::int64_t max_amount_minor(int digits) {
    return (max_amount_major + 1) * pow10(digits) - 1;
}

void add_to(std::int64_t& total, std::int64_t value, std::string_view what) {
    std::int64_t sum = 0;
    if (!__builtin_add_overflow(total, value, &sum)) {
        total = sum;
        return;
    }
    throw runtime_failure(fmt::format(
        "{} is out of range: it passes 9,223,372,036,854,775,807 minor units, more than "
        "funnel adds exactly; narrow the report (--currency, --owner, fewer periods)",
        what));
}

std::int64_t weighted_minor(std::int64_t amount_minor, int probability) {
    // Amounts are never negative; their maximum times 100 fits in 64 bits.
    return (amount_minor * probability + 50) / 100;
}

int digits_of(std::string_view code) {
    const auto found = Currency::find(code);
    return found ? found->digits() : 2;
}

}  // namespace funnel
