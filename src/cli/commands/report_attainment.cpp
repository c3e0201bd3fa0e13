// report attainment: quotas against what was won and what is forecast.
#include <set>

#include "args.hpp"
#include "commands/report.hpp"
#include "funnel/error.hpp"
#include "funnel/reports/attainment.hpp"

namespace funnel::cli::report {

void run_attainment(const AttainmentOptions& options, Session& session) {
    const Period period = options.period
                              ? parse_option("--period", *options.period,
                                             [&](const std::string& text) {
                                                 return parse_period(text, session.today());
                                             })
                              : period_containing(session.today(), Granularity::quarter);
    Store store = session.read_store();
    // In --in's currency, else the report currency, else the quotas' when they have one.
    auto converter = converter_of(options.scope.in, store, session.today());
    if (!converter) {
        std::set<std::string> currencies;
        for (const auto& quota : store.quotas().list(period))
            currencies.insert(std::string(quota.amount.currency.code()));
        const Currency currency = currencies.size() == 1 ? Currency::parse(*currencies.begin())
                                                         : store.default_currency();
        converter = store.converter(currency, session.today());
    }
    ReportScope scope;
    scope.in = converter.get();
    print_report(session, attainment_report(store, period, session.today(), scope));
}

}  // namespace funnel::cli::report
