#include "funnel/domain/filter.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "funnel/domain/money.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {

// What a field holds, which decides the operators it takes and how its values are read.
enum class Kind { text, currency, amount, number, date, stage, choice, tag, decimal };

struct FieldInfo {
    std::string_view name;
    FilterField field;
    Kind kind;
    bool may_be_empty;
};

constexpr std::array<FieldInfo, 17> fields = {{
    {"name", FilterField::name, Kind::text, false},
    {"org", FilterField::org, Kind::text, true},
    {"contact", FilterField::contact, Kind::text, true},
    {"owner", FilterField::owner, Kind::text, true},
    {"source", FilterField::source, Kind::text, true},
    {"currency", FilterField::currency, Kind::currency, false},
    {"amount", FilterField::amount, Kind::amount, true},
    {"weighted", FilterField::weighted, Kind::amount, true},
    {"probability", FilterField::probability, Kind::number, false},
    {"close", FilterField::close, Kind::date, false},
    {"created", FilterField::created, Kind::date, false},
    {"updated", FilterField::updated, Kind::date, false},
    {"closed", FilterField::closed, Kind::date, true},
    {"stage", FilterField::stage, Kind::stage, false},
    {"category", FilterField::category, Kind::choice, false},
    {"type", FilterField::type, Kind::choice, false},
    // A deal has several tags: "tag = hot" holds when one of them is hot, "tag != hot" when none
    // is, "tag is empty" when it has none.
    {"tag", FilterField::tag, Kind::tag, true},
}};

const FieldInfo& info_of(FilterField field) {
    for (const auto& info : fields)
        if (info.field == field) return info;
    return fields.front();
}

std::vector<FilterOp> ops_of(const FieldInfo& info) {
    using enum FilterOp;
    std::vector<FilterOp> ops;
    switch (info.kind) {
        case Kind::text:
        case Kind::tag:
            ops = {eq, ne, contains, in};
            break;
        case Kind::currency:
        case Kind::choice:
            ops = {eq, ne, in};
            break;
        case Kind::amount:
        case Kind::date:
        case Kind::decimal:
            ops = {eq, ne, lt, le, gt, ge};
            break;
        case Kind::number:
            ops = {eq, ne, lt, le, gt, ge, in};
            break;
        case Kind::stage:
            ops = {eq, ne, lt, le, gt, ge, contains, in};
            break;
    }
    if (info.may_be_empty) ops.push_back(empty);
    return ops;
}

struct Token {
    enum class Kind { word, quoted, op, open, close, comma, end } kind = Kind::end;
    std::string text;
    std::size_t column = 0;
};

class Lexer {
  public:
    explicit Lexer(std::string_view text) : text_(text) {}

    std::vector<Token> tokens() {
        std::vector<Token> out;
        for (;;) {
            while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                          text_[at_] == '\n' || text_[at_] == '\r'))
                ++at_;
            const std::size_t column = column_at(at_);
            if (at_ >= text_.size()) {
                out.push_back({Token::Kind::end, "", column});
                return out;
            }
            const char c = text_[at_];
            if (c == '(' || c == ')' || c == ',') {
                ++at_;
                out.push_back({c == '('   ? Token::Kind::open
                               : c == ')' ? Token::Kind::close
                                          : Token::Kind::comma,
                               std::string(1, c), column});
            } else if (c == '\'' || c == '"') {
                out.push_back({Token::Kind::quoted, quoted(c, column), column});
            } else if (c == '=' || c == '<' || c == '>' || c == '!' || c == '~') {
                std::string op(1, c);
                ++at_;
                if (c != '=' && c != '~' && at_ < text_.size() && text_[at_] == '=') {
                    op += '=';
                    ++at_;
                }
                if (op == "!") throw invalid_input(filter_error(column, "expected '!=' after '!'"));
                out.push_back({Token::Kind::op, op, column});
            } else {
                const std::size_t from = at_;
                while (at_ < text_.size() &&
                       std::string_view(" \t\r\n()=<>!~,'\"").find(text_[at_]) ==
                           std::string_view::npos)
                    ++at_;
                out.push_back(
                    {Token::Kind::word, std::string(text_.substr(from, at_ - from)), column});
            }
        }
    }

  private:
    // Text in quotes; the quote doubled stands for itself.
    std::string quoted(char quote, std::size_t column) {
        std::string value;
        for (++at_; at_ < text_.size(); ++at_) {
            if (text_[at_] != quote) {
                value += text_[at_];
                continue;
            }
            if (at_ + 1 < text_.size() && text_[at_ + 1] == quote) {
                value += quote;
                ++at_;
                continue;
            }
            ++at_;
            return value;
        }
        throw invalid_input(filter_error(column, "this quote is never closed"));
    }

    // Characters, not bytes: what a terminal shows.
    std::size_t column_at(std::size_t offset) const {
        std::size_t column = 1;
        for (std::size_t i = 0; i < offset && i < text_.size(); ++i)
            if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
        return column;
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

bool keyword(const Token& token, std::string_view word) {
    return token.kind == Token::Kind::word && iequals(token.text, word);
}

// A value of a test, made canonical for its field; Error(invalid) at its column.
std::string canonical(const FieldInfo& info, const Token& token, Date today,
                      const CustomField* custom) {
    const auto fail = [&](std::string_view why) {
        return invalid_input(filter_error(
            token.column, fmt::format("invalid {} {}: {}", info.name, in_quotes(token.text), why)));
    };
    try {
        switch (info.kind) {
            case Kind::text:
                return fold_name(token.text);
            case Kind::decimal:
                // A number or an amount of a custom field, as its own values are written; its
                // message names the field and the value already.
                try {
                    return canonical_field_value(*custom, token.text, today, 4);
                } catch (const Error& e) {
                    throw invalid_input(filter_error(token.column, e.what()));
                }
            case Kind::tag:
                // ~ takes any part of a tag.
                if (const auto problem = tag_problem(token.text); problem && !token.text.empty())
                    throw fail(*problem);
                return fold_name(trim(token.text));
            case Kind::currency: {
                const auto currency = Currency::find(ascii_upper(trim(token.text)));
                if (!currency) throw fail("not an ISO 4217 currency code");
                return std::string(currency->code());
            }
            case Kind::amount:
                return std::to_string(parse_amount(token.text, 4));
            case Kind::number: {
                std::string_view digits = trim(token.text);
                if (!digits.empty() && digits.back() == '%') digits.remove_suffix(1);
                if (digits.empty() || digits.size() > 3 ||
                    digits.find_first_not_of("0123456789") != std::string_view::npos ||
                    std::stoi(std::string(digits)) > 100)
                    throw fail("expected a percentage from 0 to 100");
                return std::to_string(std::stoi(std::string(digits)));
            }
            case Kind::date:
                return format_date(parse_date(token.text, today));
            case Kind::stage:
                if (trim(token.text).empty()) throw fail("expected a stage");
                return std::string(trim(token.text));
            case Kind::choice:
                if (info.field == FilterField::type)
                    return std::string(to_string(parse_deal_type(token.text)));
                return std::string(to_string(parse_forecast_category(token.text)));
        }
    } catch (const Error& e) {
        if (std::string_view(e.what()).starts_with("--where:")) throw;
        throw fail(e.what());
    }
    return token.text;
}

Filter negation(Filter inner) {
    Filter filter;
    filter.kind = Filter::Kind::negation;
    filter.parts.push_back(std::move(inner));
    return filter;
}

class Parser {
  public:
    Parser(std::vector<Token> tokens, Date today, const std::vector<CustomField>& custom)
        : tokens_(std::move(tokens)), today_(today), custom_(custom) {}

    Filter parse() {
        if (peek().kind == Token::Kind::end)
            throw invalid_input(
                "--where: the filter is empty; give a test such as 'amount >= 10k'");
        Filter filter = expression(0);
        const Token& rest = peek();
        if (rest.kind == Token::Kind::close)
            throw invalid_input(filter_error(rest.column, "this ')' closes nothing"));
        if (rest.kind != Token::Kind::end)
            throw invalid_input(filter_error(
                rest.column,
                fmt::format("expected 'and', 'or' or the end, found {}", in_quotes(rest.text))));
        return filter;
    }

  private:
    static constexpr int max_depth = 64;

    const Token& peek() const { return tokens_[next_]; }
    const Token& take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }

    Filter joined(Filter::Kind kind, Filter first, std::string_view word, int depth) {
        if (!keyword(peek(), word)) return first;
        Filter all;
        all.kind = kind;
        all.parts.push_back(std::move(first));
        while (keyword(peek(), word)) {
            const Token& joining = take();
            if (peek().kind == Token::Kind::end)
                throw invalid_input(filter_error(
                    joining.column, fmt::format("expected a test after {}", in_quotes(word))));
            all.parts.push_back(kind == Filter::Kind::any ? term(depth) : factor(depth));
        }
        return all;
    }

    Filter expression(int depth) { return joined(Filter::Kind::any, term(depth), "or", depth); }

    Filter term(int depth) { return joined(Filter::Kind::all, factor(depth), "and", depth); }

    Filter factor(int depth) {
        const Token& token = peek();
        if (depth > max_depth) throw invalid_input(filter_error(token.column, "nested too deeply"));
        if (keyword(token, "not")) {
            take();
            return negation(factor(depth + 1));
        }
        if (token.kind == Token::Kind::open) {
            const std::size_t column = take().column;
            Filter inner = expression(depth + 1);
            if (peek().kind != Token::Kind::close)
                throw invalid_input(filter_error(column, "this '(' is never closed"));
            take();
            return inner;
        }
        return test();
    }

    Filter test() {
        const Token& token = take();
        if (token.kind != Token::Kind::word || keyword(token, "and") || keyword(token, "or"))
            throw invalid_input(filter_error(
                token.column,
                token.kind == Token::Kind::end
                    ? std::string("expected a test after this")
                    : fmt::format("expected a field, found {}", in_quotes(token.text))));
        const FieldInfo* info = nullptr;
        for (const auto& candidate : fields)
            if (iequals(candidate.name, token.text)) info = &candidate;
        const CustomField* custom = nullptr;
        FieldInfo custom_info;
        for (const auto& field : custom_)
            if (!info && iequals(field.name, token.text)) {
                custom = &field;
                const Kind kind = field.type == FieldType::date ? Kind::date
                                  : is_numeric(field.type)      ? Kind::decimal
                                                                : Kind::text;
                custom_info = {field.name, FilterField::custom, kind, true};
                info = &custom_info;
            }
        if (!info) {
            std::vector<std::string> names;
            for (const auto& candidate : fields)
                names.emplace_back(candidate.name);
            for (const auto& field : custom_)
                names.push_back(field.name);
            const auto suggestion = closest_name(token.text, names);
            throw invalid_input(filter_error(
                token.column, suggestion
                                  ? fmt::format("unknown field {} (did you mean {}?)",
                                                in_quotes(token.text), in_quotes(*suggestion))
                                  : fmt::format("unknown field {}; the fields are {}",
                                                in_quotes(token.text), join(names, ", "))));
        }
        Filter filter;
        filter.field = info->field;
        filter.column = token.column;
        if (custom) {
            filter.custom_id = custom->id;
            filter.custom_type = custom->type;
        }
        const Token& op = take();
        bool negated = false;
        if (keyword(op, "is")) {
            if (keyword(peek(), "not")) {
                take();
                negated = true;
            }
            if (!keyword(take(), "empty"))
                throw invalid_input(
                    filter_error(op.column, "expected 'is empty' or 'is not empty'"));
            filter.op = FilterOp::empty;
        } else if (keyword(op, "in")) {
            filter.op = FilterOp::in;
        } else if (op.kind == Token::Kind::op) {
            using enum FilterOp;
            filter.op = op.text == "="    ? eq
                        : op.text == "!=" ? ne
                        : op.text == "<"  ? lt
                        : op.text == "<=" ? le
                        : op.text == ">"  ? gt
                        : op.text == ">=" ? ge
                                          : contains;
        } else {
            throw invalid_input(filter_error(
                op.column, fmt::format("expected an operator after {} (=, !=, <, <=, >, >=, ~, "
                                       "in, is empty)",
                                       in_quotes(token.text))));
        }
        const auto ops = ops_of(*info);
        if (std::find(ops.begin(), ops.end(), filter.op) == ops.end()) {
            std::vector<std::string> taken;
            for (const auto each : ops)
                taken.emplace_back(to_string(each));
            throw invalid_input(filter_error(
                op.column, fmt::format("{} takes {}; not {}", info->name, join(taken, ", "),
                                       in_quotes(to_string(filter.op)))));
        }
        if (filter.op == FilterOp::in) {
            if (peek().kind != Token::Kind::open)
                throw invalid_input(filter_error(peek().column, "expected '(' after 'in'"));
            const std::size_t open = take().column;
            for (;;) {
                filter.values.push_back(value(*info, op, custom));
                if (peek().kind == Token::Kind::comma) {
                    take();
                    continue;
                }
                if (peek().kind != Token::Kind::close)
                    throw invalid_input(filter_error(open, "this '(' is never closed"));
                take();
                break;
            }
        } else if (filter.op != FilterOp::empty) {
            filter.values.push_back(value(*info, op, custom));
        }
        if (negated) return negation(std::move(filter));
        return filter;
    }

    FilterValue value(const FieldInfo& info, const Token& after, const CustomField* custom) {
        const Token& token = peek();
        if (token.kind != Token::Kind::word && token.kind != Token::Kind::quoted)
            throw invalid_input(
                filter_error(token.kind == Token::Kind::end ? after.column : token.column,
                             fmt::format("expected a value after {}", in_quotes(after.text))));
        take();
        return {canonical(info, token, today_, custom), token.column};
    }

    std::vector<Token> tokens_;
    std::size_t next_ = 0;
    Date today_;
    const std::vector<CustomField>& custom_;
};

}  // namespace

std::string_view to_string(FilterOp op) {
    switch (op) {
        case FilterOp::eq:
            return "=";
        case FilterOp::ne:
            return "!=";
        case FilterOp::lt:
            return "<";
        case FilterOp::le:
            return "<=";
        case FilterOp::gt:
            return ">";
        case FilterOp::ge:
            return ">=";
        case FilterOp::contains:
            return "~";
        case FilterOp::in:
            return "in";
        case FilterOp::empty:
            break;
    }
    return "is empty";
}

std::string_view to_string(FilterField field) {
    if (field == FilterField::custom) return "a custom field";
    return info_of(field).name;
}

Filter has_tag(const std::string& tag) {
    Filter filter;
    filter.field = FilterField::tag;
    filter.op = FilterOp::eq;
    filter.values.push_back({tag, 0});
    return filter;
}

Filter all_of(std::vector<Filter> parts) {
    if (parts.size() == 1) return std::move(parts.front());
    Filter filter;
    filter.kind = Filter::Kind::all;
    filter.parts = std::move(parts);
    return filter;
}

bool tests_field(const Filter& filter, FilterField field) {
    if (filter.kind == Filter::Kind::test) return filter.field == field;
    for (const auto& part : filter.parts)
        if (tests_field(part, field)) return true;
    return false;
}

std::string filter_error(std::size_t column, std::string_view message) {
    return fmt::format("--where: column {}: {}", column, message);
}

Filter parse_filter(std::string_view text, Date today, const std::vector<CustomField>& custom) {
    return Parser(Lexer(text).tokens(), today, custom).parse();
}

}  // namespace funnel
