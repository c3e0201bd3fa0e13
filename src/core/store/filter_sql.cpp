// A --where filter as SQL over `opportunity o`, whatever else the query joins: every value a
// bound parameter, never text of the statement.
#include "store/filter_sql.hpp"

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {

class Compiler {
  public:
    Compiler(const std::vector<Stage>& stages, std::vector<std::string>& values)
        : stages_(stages), values_(values) {}

    std::string sql(const Filter& filter) {
        switch (filter.kind) {
            case Filter::Kind::all:
            case Filter::Kind::any: {
                std::vector<std::string> parts;
                for (const auto& part : filter.parts)
                    parts.push_back(sql(part));
                return "(" + join(parts, filter.kind == Filter::Kind::all ? " AND " : " OR ") + ")";
            }
            case Filter::Kind::negation:
                // A test of an absent value is false, and so is its negation in SQL: NOT makes
                // it true, as people mean "not owner = ann" of a deal with no owner.
                return "(coalesce(" + sql(filter.parts.front()) + ", 0) = 0)";
            case Filter::Kind::test:
                break;
        }
        return test(filter);
    }

  private:
    std::string bound(const std::string& value) {
        values_.push_back(value);
        return "?";
    }
    std::string bound_integer(const std::string& value) {
        values_.push_back(value);
        return "CAST(? AS INTEGER)";
    }

    // `column op value` for each kind of comparison, with IN for several values; `integer`
    // and `real` bind the values as such.
    enum class As { text, integer, real };
    std::string compare(const std::string& column, const Filter& filter, bool integer,
                        As as = As::text) {
        if (integer) as = As::integer;
        const auto value = [&](const FilterValue& v) {
            if (as == As::real) {
                values_.push_back(v.text);
                return std::string("CAST(? AS REAL)");
            }
            return as == As::integer ? bound_integer(v.text) : bound(v.text);
        };
        if (filter.op == FilterOp::in) {
            std::vector<std::string> list;
            for (const auto& v : filter.values)
                list.push_back(value(v));
            return column + " IN (" + join(list, ", ") + ")";
        }
        const std::string test =
            column + " " + std::string(to_string(filter.op)) + " " + value(filter.values.front());
        // != of an absent value: true, as people mean it.
        if (filter.op == FilterOp::ne) return "(" + column + " IS NULL OR " + test + ")";
        return test;
    }

    std::string text(const std::string& column, const Filter& filter) {
        const std::string folded = "funnel_fold(" + column + ")";
        switch (filter.op) {
            case FilterOp::empty:
                return "(" + column + " IS NULL OR " + column + " = '')";
            case FilterOp::contains:
                return "instr(" + folded + ", " + bound(filter.values.front().text) + ") > 0";
            default:
                return compare(folded, filter, false);
        }
    }

    const Stage& stage(const FilterValue& value) {
        try {
            return resolve_stage(stages_, value.text);
        } catch (const Error& e) {
            throw invalid_input(
                filter_error(value.column,
                             fmt::format("invalid stage {}: {}", in_quotes(value.text), e.what())));
        }
    }

    std::string stage_test(const Filter& filter) {
        if (filter.op == FilterOp::contains) {
            // The stages are few: those whose name or label holds the text, by id.
            const std::string part = fold_name(filter.values.front().text);
            Filter ids = filter;
            ids.op = FilterOp::in;
            ids.values.clear();
            for (const auto& stage : stages_)
                if (fold_name(stage.name).find(part) != std::string::npos ||
                    fold_name(stage.label).find(part) != std::string::npos)
                    ids.values.push_back({std::to_string(stage.id), 0});
            if (ids.values.empty()) return "0";
            return compare("o.stage_id", ids, true);
        }
        Filter ids = filter;
        const bool by_position = filter.op == FilterOp::lt || filter.op == FilterOp::le ||
                                 filter.op == FilterOp::gt || filter.op == FilterOp::ge;
        for (auto& value : ids.values) {
            const Stage& found = stage(value);
            value.text = std::to_string(by_position ? found.position : found.id);
        }
        return compare(
            by_position ? "(SELECT position FROM stage WHERE id = o.stage_id)" : "o.stage_id", ids,
            true);
    }

    // Whether one of the deal's tags passes: none for != and is empty.
    std::string tag_test(const Filter& filter) {
        const std::string tags = "SELECT 1 FROM opportunity_tag WHERE opp_id = o.id";
        switch (filter.op) {
            case FilterOp::empty:
                return "NOT EXISTS (" + tags + ")";
            case FilterOp::ne:
                return "NOT EXISTS (" + tags + " AND tag = " + bound(filter.values.front().text) +
                       ")";
            case FilterOp::contains:
                return "EXISTS (" + tags + " AND instr(tag, " + bound(filter.values.front().text) +
                       ") > 0)";
            default:
                return "EXISTS (" + tags + " AND " + compare("tag", filter, false) + ")";
        }
    }

    // A deal's value of a custom field, compared as its type is: text and choices folded,
    // numbers and amounts as numbers, dates as days.
    std::string custom_test(const Filter& filter) {
        // The field's id is the store's own number, never text the user typed.
        const std::string column = fmt::format(
            "(SELECT value FROM opportunity_field WHERE opp_id = o.id AND field_id = {})",
            filter.custom_id);
        if (filter.op == FilterOp::empty) return column + " IS NULL";
        if (filter.custom_type == FieldType::text || filter.custom_type == FieldType::choice)
            return text(column, filter);
        if (filter.custom_type == FieldType::date) return compare(column, filter, false);
        return compare("CAST(" + column + " AS REAL)", filter, false, As::real);
    }

    std::string test(const Filter& filter) {
        // Amounts in units of 10^-4 of the major unit, whatever the currency's decimals.
        const std::string scaled_amount = "o.amount * funnel_scale(o.currency)";
        const std::string scaled_weighted =
            "((o.amount * o.probability + 50) / 100) * funnel_scale(o.currency)";
        switch (filter.field) {
            case FilterField::name:
                return text("o.name", filter);
            // Subqueries, not joins: the filter goes into any query over `opportunity o`.
            case FilterField::org:
                return text("(SELECT name FROM organization WHERE id = o.org_id)", filter);
            case FilterField::contact:
                return text("(SELECT name FROM contact WHERE id = o.contact_id)", filter);
            case FilterField::owner:
                return text("o.owner", filter);
            case FilterField::source:
                return text("o.source", filter);
            case FilterField::currency:
                return compare("o.currency", filter, false);
            case FilterField::amount:
            case FilterField::weighted:
                // A deal with no amount yet has none to compare.
                if (filter.op == FilterOp::empty) return "o.no_amount = 1";
                return "(o.no_amount = 0 AND " +
                       compare(
                           filter.field == FilterField::amount ? scaled_amount : scaled_weighted,
                           filter, true) +
                       ")";
            case FilterField::probability:
                return compare("o.probability", filter, true);
            case FilterField::close:
                return compare("o.close_date", filter, false);
            case FilterField::created:
                return compare("substr(o.created_at, 1, 10)", filter, false);
            case FilterField::updated:
                return compare("substr(o.updated_at, 1, 10)", filter, false);
            case FilterField::closed:
                if (filter.op == FilterOp::empty) return "o.closed_at IS NULL";
                return compare("o.closed_at", filter, false);
            case FilterField::stage:
                return stage_test(filter);
            case FilterField::category:
                return compare(
                    "coalesce(o.category, (SELECT category FROM stage WHERE id = o.stage_id))",
                    filter, false);
            case FilterField::type:
                return compare("o.type", filter, false);
            case FilterField::tag:
                return tag_test(filter);
            case FilterField::custom:
                return custom_test(filter);
        }
        return "0";
    }

    const std::vector<Stage>& stages_;
    std::vector<std::string>& values_;
};

}  // namespace

std::string filter_sql(const Filter& filter, const std::vector<Stage>& stages,
                       std::vector<std::string>& values) {
    return Compiler(stages, values).sql(filter);
}

}  // namespace funnel
