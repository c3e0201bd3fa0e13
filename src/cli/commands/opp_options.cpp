// The options of the opp commands that several share: a deal's fields, and the filters of a
// list.
#include <fmt/format.h>

#include "commands/opp.hpp"

namespace funnel::cli::opp {

// The fields of opp add (`adding`) and opp edit.
void add_deal_options(Command& command, DealFields& fields, bool adding) {
    auto close = command
                     .option("--close", fields.close,
                             "Expected close date (YYYY-MM-DD, eom, +2w, fri, 2026Q3, ...)")
                     .type_name("DATE");
    if (adding) close.required();
    command.option("--amount", fields.amount, "Amount, e.g. 12000, 12000.50, 12k")
        .type_name("AMOUNT");
    // Defaults that apply to a new deal only are said on add only.
    command
        .option("--currency", fields.currency,
                adding ? "ISO 4217 currency (default: the config's, else the data file's)"
                       : "ISO 4217 currency")
        .type_name("CUR");
    command.option("--stage", fields.stage, "Stage name or unique prefix").type_name("STAGE");
    command
        .option("--probability", fields.probability,
                adding ? "Chance of winning, 0-100 (default: the stage's)"
                       : "Chance of winning, 0-100 (a new --stage sets its own unless given)")
        .type_name("0-100");
    const char* missing = adding ? " (created if missing)" : " (--create makes a new one)";
    command.option("--org", fields.org, fmt::format("Organization id or name{}", missing))
        .type_name("ORG");
    command.option("--contact", fields.contact, fmt::format("Contact id or name{}", missing))
        .type_name("CONTACT");
    command.option("--type", fields.type, "new or existing business").type_name("new|existing");
    command.option("--next-step", fields.next_step, "The action that moves the deal on")
        .type_name("TEXT");
    command.option("--description", fields.description, "Free text").type_name("TEXT");
    command
        .option("--owner", fields.owner,
                adding ? "Salesperson (default: $FUNNEL_USER, else the config's owner, else $USER)"
                       : "Salesperson")
        .type_name("NAME");
    command.option("--source", fields.source, "Where the lead came from").type_name("TEXT");
    if (adding)
        command.repeatable("--tag", fields.tags, "A tag (repeatable, or several with commas)",
                           "TAG");
    command.repeatable("--set", fields.sets,
                       "A custom field's value (repeatable; funnel field add makes the field)",
                       "NAME=VALUE");
    if (!adding)
        command.repeatable("--unset", fields.unsets, "Remove a custom field's value (repeatable)",
                           "NAME");
}

// The filters and order of opp list, which export opportunities shares.
void add_list_options(Command& command, ListOptions& options, bool open_by_default) {
    command.option("--stage", options.stages, "Only these stages (repeatable)").type_name("STAGE");
    command.flag("--open", options.open,
                 open_by_default ? "Open deals (the default)" : "Open deals");
    command.flag("--won", options.won, "Won deals");
    command.flag("--lost", options.lost, "Lost deals");
    command.flag("--closed", options.closed, "Won and lost deals");
    command.flag("--all", options.all, open_by_default ? "Every deal" : "Every deal (the default)");
    command.option("--org", options.org, "Deals with this organization").type_name("ORG");
    command.option("--contact", options.contact, "Deals with this contact").type_name("CONTACT");
    command.option("--owner", options.owner, "Deals of this owner").type_name("NAME");
    command.option("--type", options.type, "new or existing business").type_name("new|existing");
    command.option("--closing-from", options.closing_from, "Close date on or after")
        .type_name("DATE");
    command.option("--closing-to", options.closing_to, "Close date on or before").type_name("DATE");
    command.flag("--overdue", options.overdue, "Open deals whose close date has passed");
    command.flag("--no-amount", options.no_amount,
                 "Deals with no amount yet (imported with a blank one)");
    command.repeatable("--tag", options.tags, "Deals with this tag (repeatable: with all of them)",
                       "TAG");
    command
        .option("--where", options.where,
                "Deals the filter expression selects (docs/filters.md): "
                "'amount >= 10k and stage ~ quote and close < eoq'")
        .type_name("EXPR");
    command
        .option("--search", options.search, "Text in name, description, next step, org or contact")
        .type_name("TEXT");
    command
        .option("--sort", options.sort,
                "close, amount, weighted, probability, stage, name, org, owner, currency, "
                "created, updated or id; several with commas, - before one for descending: "
                "stage,-amount (amounts within currency); default: close")
        .type_name("KEYS");
    command.flag("--desc", options.descending, "Reverse the order");
    command.option("--limit", options.limit, "Show at most N deals").type_name("N");
}

}  // namespace funnel::cli::opp
