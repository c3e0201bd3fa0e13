#include "commands/import_input.hpp"

#include <iostream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"
#include "funnel/formats/views.hpp"

namespace funnel::cli::transfer {

std::string file_name(const std::string& path) {
    if (path == "-") return "standard input";
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string encoding_of(const OptText& text) {
    if (!text) return "";
    if (!known_encoding(*text))
        throw invalid_input(
            fmt::format("invalid --encoding {}: not an encoding this system knows; expected utf-8, "
                        "windows-1252, latin1, utf-16 or another name that iconv --list shows",
                        in_quotes(*text)));
    return *text;
}

char delimiter_of(const OptText& text) {
    if (!text) return 0;
    if (*text == "," || *text == ";" || *text == "|") return (*text)[0];
    if (*text == "\t" || *text == "\\t" || iequals(*text, "tab")) return '\t';
    throw invalid_input(
        fmt::format("invalid --delimiter {}: expected ',', ';', '|' or tab", in_quotes(*text)));
}

std::string describe(const CellError& error) {
    std::string where = fmt::format("row {}", error.row);
    if (!error.column.empty()) where += fmt::format(", column {}", in_quotes(error.column));
    if (!error.value.empty()) where += fmt::format(", value {}", in_quotes(error.value));
    return where + ": " + error.message;
}

std::string n(std::int64_t value) {
    return format_units(value, 0, Grouping::thousands);
}

std::string count(std::int64_t value, std::string_view one, std::string_view many) {
    if (value == 1) return fmt::format("1 {}", one);
    return many.empty() ? fmt::format("{} {}s", n(value), one)
                        : fmt::format("{} {}", n(value), many);
}

void refuse_import(const std::string& label, const std::vector<CellError>& errors,
                   std::int64_t error_count, std::int64_t rows) {
    std::cout.flush();
    for (const auto& error : errors)
        std::cerr << "funnel: " << label << " " << describe(error) << '\n';
    throw invalid_input(fmt::format("{}: {} error{} in {} row{} read{}; nothing was imported",
                                    label, error_count, error_count == 1 ? "" : "s", n(rows),
                                    rows == 1 ? "" : "s",
                                    error_count > std::int64_t(errors.size())
                                        ? fmt::format(" (the first {} shown)", errors.size())
                                        : ""));
}

}  // namespace funnel::cli::transfer
