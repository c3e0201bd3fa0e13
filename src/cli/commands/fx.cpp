#include "commands/fx.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/import_input.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/rates_file.hpp"
#include "records.hpp"

namespace funnel::cli::fx {

namespace {

// The two currencies of a pair, which differ.
std::pair<std::string, std::string> pair_of(const std::string& from, const std::string& to) {
    const Currency a = parse_currency_option("FROM", from);
    const Currency b = parse_currency_option("TO", to);
    if (a == b)
        throw invalid_input(
            fmt::format("FROM and TO are both {}: a rate is between two currencies", a.code()));
    return {std::string(a.code()), std::string(b.code())};
}

Cell rate_cell(const ExactRate& rate) {
    return {Value{Decimal{rate.digits, rate.scale}}, Style::plain};
}

std::string_view source_name(RateSource source) {
    switch (source) {
        case RateSource::same:
            return "same";
        case RateSource::given:
            return "given";
        case RateSource::inverse:
            return "inverse";
        case RateSource::cross:
            return "cross";
    }
    return "given";
}

}  // namespace

void run_set(const SetOptions& options, Session& session) {
    StoredRate rate;
    std::tie(rate.from, rate.to) = pair_of(options.from, options.to);
    rate.rate = parse_option("RATE", options.rate, parse_rate);
    rate.day =
        options.on ? parse_date_option("--on", *options.on, session.today()) : session.today();
    const auto replaced = session.write([&](Store& store) { return store.rates().set(rate); });
    if (session.quiet()) return;
    const std::string given = fmt::format("1 {} = {} {} from {}", rate.from, format_rate(rate.rate),
                                          rate.to, format_date(rate.day));
    if (!replaced)
        session.out() << "Set " << given << '\n';
    else if (*replaced == rate.rate)
        session.out() << given << ": already so\n";
    else
        session.out() << fmt::format("Set {} (was {})\n", given, format_rate(*replaced));
}

void run_list(const ListOptions& options, Session& session) {
    std::optional<std::string> currency;
    if (options.currency)
        currency = std::string(parse_currency_option("--currency", *options.currency).code());
    std::optional<Date> from, to;
    if (options.from) from = parse_date_option("--from", *options.from, session.today());
    if (options.to) to = parse_date_option("--to", *options.to, session.today());
    if (from && to) require_range("--from", *from, "--to", *to);
    Store store = session.read_store();
    Table table{{{"day", "Day"}, {"from", "From"}, {"to", "To"}, {"rate", "Rate"}}, {}};
    for (const auto& rate : store.rates().list(currency, from, to))
        table.rows.push_back({text_cell(format_date(rate.day)), text_cell(rate.from),
                              text_cell(rate.to), rate_cell(rate.rate)});
    if (table.rows.empty() && session.format() == Format::table) {
        session.note(store.rates().count()
                         ? "no rates match"
                         : "no exchange rates: funnel fx set or fx import gives some");
        return;
    }
    session.print(table);
}

void run_rate(const RateOptions& options, Session& session) {
    const auto [from, to] = pair_of(options.from, options.to);
    const Date day =
        options.on ? parse_date_option("--on", *options.on, session.today()) : session.today();
    Store store = session.read_store();
    const auto converter = store.converter(*Currency::find(to), day);
    const FoundRate& found = converter->rate(from, day);
    if (session.format() == Format::table) {
        session.out() << describe_rate(from, to, found) << '\n';
        return;
    }
    Record record;
    record.columns = {{"from", "From"}, {"to", "To"},         {"day", "Day"},
                      {"rate", "Rate"}, {"source", "Source"}, {"rate_day", "Rate day"},
                      {"via", "Via"}};
    record.values = {text_cell(from),
                     text_cell(to),
                     text_cell(format_date(day)),
                     text_cell(format_fraction(found.rate)),
                     text_cell(std::string(source_name(found.source))),
                     text_cell(format_date(found.day)),
                     found.via.empty() ? null_cell() : text_cell(found.via)};
    session.print(record);
}

void run_import(const ImportOptions& options, Session& session) {
    const transfer::Input input(options.file);
    RatesFile file;
    try {
        file = read_rates_file(input.file());
    } catch (const Error& e) {
        throw Error(e.kind(), fmt::format("{}: {}", input.label(), e.what()));
    }
    std::set<std::string> currencies;
    std::optional<Date> first, last;
    for (const auto& rate : file.rates) {
        currencies.insert(rate.from);
        currencies.insert(rate.to);
        if (!first || rate.day < *first) first = rate.day;
        if (!last || rate.day > *last) last = rate.day;
    }
    // What the file gives that the data file has already, the same or another rate.
    std::int64_t replaced = 0, changed = 0;
    const auto compare = [&](Store& store) {
        if (!first) return;
        std::map<std::tuple<std::string, std::string, Date>, ExactRate> given;
        for (auto& rate : store.rates().list(std::nullopt, first, last))
            given.emplace(std::tuple{rate.from, rate.to, rate.day}, rate.rate);
        for (const auto& rate : file.rates)
            if (const auto found = given.find({rate.from, rate.to, rate.day});
                found != given.end()) {
                ++replaced;
                changed += !(found->second == rate.rate);
            }
    };
    if (options.dry_run) {
        Store store = session.read_store();
        compare(store);
    } else {
        session.write([&](Store& store) {
            compare(store);
            for (const auto& rate : file.rates)
                store.rates().set(rate);
            return 0;
        });
    }
    if (session.quiet()) return;
    auto& out = session.out();
    const auto count = std::int64_t(file.rates.size());
    out << fmt::format("{} {} ({} file", options.dry_run ? "Would import" : "Imported",
                       counted(count, "rate", "rates"), file.format);
    if (first) out << fmt::format(", {} to {}", format_date(*first), format_date(*last));
    out << fmt::format(", {}): {} new, {} already there",
                       counted(std::int64_t(currencies.size()), "currency", "currencies"),
                       count - replaced, replaced - changed);
    if (changed) out << fmt::format(", {} changed", changed);
    out << '\n';
    if (!file.skipped.empty())
        session.note(fmt::format("left out the columns of currencies funnel does not know: {}",
                                 join(file.skipped, ", ")));
    if (options.dry_run) out << "Dry run: nothing was written\n";
}

void setup(Command& group) {
    {
        auto options = std::make_shared<SetOptions>();
        auto command = group.subcommand("set", "Give the rate of a pair: 1 FROM = RATE TO");
        command.option("FROM", options->from, "The currency converted from").required();
        command.option("TO", options->to, "The currency converted into").required();
        command.option("RATE", options->rate, "How much of TO one FROM buys: 0.92").required();
        command.option("--on", options->on, "The day it is in force from (default: today)")
            .type_name("DATE");
        command.on_run(options, run_set);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command = group.subcommand("list", "The rates given, by pair and day");
        command.option("--currency", options->currency, "Only the pairs of this currency")
            .type_name("CUR");
        command.option("--from", options->from, "Only from this day").type_name("DATE");
        command.option("--to", options->to, "Only up to this day").type_name("DATE");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<RateOptions>();
        auto command = group.subcommand(
            "rate", "The rate in force on a day, and how it was found (given, inverse, cross)");
        command.option("FROM", options->from, "The currency converted from").required();
        command.option("TO", options->to, "The currency converted into").required();
        command.option("--on", options->on, "The day (default: today)").type_name("DATE");
        command.on_run(options, run_rate);
    }
    {
        auto options = std::make_shared<ImportOptions>();
        auto command = group.subcommand(
            "import", "Import rates: the ECB's reference-rate CSV, or date,from,to,rate");
        command.option("FILE", options->file, "The CSV file, or - for standard input").required();
        command.flag("--dry-run", options->dry_run, "Read and check the file; write nothing");
        command.on_run(options, run_import);
    }
}

}  // namespace funnel::cli::fx
