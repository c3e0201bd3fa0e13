#include "records.hpp"

#include <ostream>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel::cli {

ListPrinter::ListPrinter(const Session& session, const std::vector<Column>& columns)
    : session_(session) {
    if (session.quiet()) return;
    renderer_ = make_renderer(session.format(), session.out(), session.render_options());
    renderer_->begin(columns);
}

void ListPrinter::print_id(std::int64_t id) {
    session_.out() << id << '\n';
}

void ListPrinter::finish(const std::string& none) {
    if (session_.quiet()) return;
    if (count_ == 0 && session_.format() == Format::table) {
        session_.note(none);
        return;
    }
    renderer_->end();
}

std::string counted(std::int64_t count, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", count, count == 1 ? one : many);
}

void refuse_while_used(const std::string& what, const std::vector<std::string>& uses,
                       std::string_view advice) {
    std::vector<std::string> named;
    for (const auto& use : uses)
        if (!use.starts_with("0 ")) named.push_back(use);
    if (named.empty()) return;
    throw conflict(fmt::format("{} is used by {}; {}", what, join_with_and(named), advice));
}

void report_deleted(const Session& session, std::string_view kind, std::int64_t id,
                    std::string_view name) {
    if (session.quiet())
        session.out() << id << '\n';
    else
        session.out() << fmt::format("Deleted {} {}: {}\n", kind, id, name);
}

}  // namespace funnel::cli
