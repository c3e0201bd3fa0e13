#include <filesystem>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "db.hpp"
#include "funnel/error.hpp"
#include "funnel/views.hpp"

namespace funnel::cli::db {

Record info_record(Store& store) {
    const DataCounts counts = store.counts();
    std::error_code ignored;
    const auto size = store.on_disk() ? std::filesystem::file_size(store.path(), ignored) : 0;
    return {{
                {"path", "Data file"},
                {"exists", "Exists"},
                {"size_bytes", "Size (bytes)"},
                {"schema_version", "Schema version"},
                {"default_currency", "Default currency"},
                {"opportunities", "Opportunities"},
                {"open", "Open"},
                {"won", "Won"},
                {"lost", "Lost"},
                {"organizations", "Organizations"},
                {"contacts", "Contacts"},
                {"stages", "Stages"},
                {"history", "History entries"},
            },
            {
                text_cell(store.path().string()),
                bool_cell(store.on_disk()),
                integer_cell(static_cast<std::int64_t>(ignored ? 0 : size)),
                integer_cell(store.schema_version()),
                text_cell(std::string(store.default_currency().code())),
                integer_cell(counts.opportunities),
                integer_cell(counts.open),
                integer_cell(counts.won),
                integer_cell(counts.lost),
                integer_cell(counts.organizations),
                integer_cell(counts.contacts),
                integer_cell(counts.stages),
                integer_cell(counts.history),
            },
            {}};
}

void run_info(const InfoOptions& options, Session& session) {
    if (options.set_currency) {
        const Currency currency = parse_currency_option("--set-currency", *options.set_currency);
        session.write([&](Store& store) {
            store.set_default_currency(currency);
            return 0;
        });
        session.note(fmt::format("default currency is now {}", currency.code()));
    }
    Store store = session.read_store();
    session.print(info_record(store));
}

}  // namespace funnel::cli::db
