#include "commands/quota.hpp"

#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel::cli::quota {

namespace {

// The owner named, or none for the team; exactly one of --owner and --team.
std::optional<std::string> whose(const WhoOptions& who) {
    if (who.owner && who.team) throw invalid_input("give --owner NAME or --team, not both");
    if (!who.owner && !who.team)
        throw invalid_input("give --owner NAME, or --team for the team's own");
    if (who.team) return std::nullopt;
    const std::string owner = text_option("--owner", *who.owner, TextKind::line);
    if (owner.empty()) throw invalid_input("invalid --owner '': expected a name");
    return owner;
}

std::string described(const std::optional<std::string>& owner, const Period& period) {
    if (!owner) return fmt::format("the team's quota for {}", period.label());
    return fmt::format("the quota of {} for {}", *owner, period.label());
}

}  // namespace

void run_set(const SetOptions& options, Session& session) {
    Quota quota;
    quota.owner = whose(options.who);
    quota.period = parse_option("--period", options.period, [&](const std::string& text) {
        return parse_period(text, session.today());
    });
    const auto replaced = session.write([&](Store& store) {
        const Currency currency = options.currency
                                      ? parse_currency_option("--currency", *options.currency)
                                      : store.report_currency().value_or(store.default_currency());
        quota.amount = {parse_amount_option("--amount", options.amount, currency), currency};
        return store.quotas().set(quota);
    });
    if (session.quiet()) return;
    session.out() << fmt::format(
        "Set {}: {}{}\n", described(quota.owner, quota.period), format_money(quota.amount),
        replaced ? fmt::format(" (was {})", format_money(replaced->amount)) : "");
}

void run_list(const ListOptions& options, Session& session) {
    std::optional<Period> period;
    if (options.period)
        period = parse_option("--period", *options.period, [&](const std::string& text) {
            return parse_period(text, session.today());
        });
    Store store = session.read_store();
    Table table{{{"period", "Period"},
                 {"owner", "Owner"},
                 {"team", "Team", Audience::machines},
                 {"amount", "Quota"},
                 {"currency", "Cur"}},
                {}};
    for (const auto& quota : store.quotas().list(period))
        table.rows.push_back({text_cell(quota.period.label()),
                              quota.owner ? text_cell(*quota.owner) : text_cell("team"),
                              {Value{!quota.owner}, Style::plain},
                              decimal_cell(quota.amount.minor, quota.amount.currency.digits()),
                              text_cell(std::string(quota.amount.currency.code()))});
    if (table.rows.empty() && session.format() == Format::table) {
        session.note(period ? fmt::format("no quotas for {}", period->label())
                            : std::string("no quotas: funnel quota set gives one"));
        return;
    }
    session.print(table);
}

void run_unset(const UnsetOptions& options, Session& session) {
    const auto owner = whose(options.who);
    const Period period = parse_option("--period", options.period, [&](const std::string& text) {
        return parse_period(text, session.today());
    });
    const auto removed = session.write([&](Store& store) {
        auto removed = store.quotas().unset(owner, period);
        if (!removed)
            throw not_found(
                fmt::format("no quota for {} in {} (funnel quota list shows the quotas)",
                            owner.value_or("the team"), period.label()));
        return *removed;
    });
    if (!session.quiet())
        session.out() << fmt::format("Removed {} ({})\n", described(removed.owner, period),
                                     format_money(removed.amount));
}

void setup(Command& group) {
    const auto add_who = [](Command& command, WhoOptions& who) {
        command.option("--owner", who.owner, "The owner whose quota it is").type_name("NAME");
        command.flag("--team", who.team,
                     "The team's own quota (else the team's is the sum of the owners')");
    };
    const char* period = "A month (2026-11), quarter (2026Q4, FY2027Q3) or year (2026, FY2027)";
    {
        auto options = std::make_shared<SetOptions>();
        auto command = group.subcommand("set", "Set how much an owner or the team is to win");
        add_who(command, options->who);
        command.option("--period", options->period, period).type_name("PERIOD").required();
        command.option("--amount", options->amount, "The quota: 300k")
            .type_name("AMOUNT")
            .required();
        command
            .option("--currency", options->currency,
                    "Its currency (default: the report currency, else the file's)")
            .type_name("CUR");
        command.on_run(options, run_set);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command = group.subcommand("list", "The quotas set, by period");
        command.option("--period", options->period, "Only this period").type_name("PERIOD");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<UnsetOptions>();
        auto command = group.subcommand("unset", "Remove a quota");
        add_who(command, options->who);
        command.option("--period", options->period, period).type_name("PERIOD").required();
        command.on_run(options, run_unset);
    }
}

}  // namespace funnel::cli::quota
