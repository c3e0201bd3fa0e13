#include "app.hpp"

#include "commands.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

#include "commands/activity.hpp"
#include "commands/calendar.hpp"
#include "commands/contact.hpp"
#include "commands/db.hpp"
#include "commands/link.hpp"
#include "commands/opp.hpp"
#include "commands/org.hpp"
#include "commands/product.hpp"
#include "commands/report.hpp"
#include "commands/stage.hpp"
#include "commands/transfer.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/version.hpp"

namespace funnel::cli {

namespace {

// An option given once per value, the values kept in order: --map A=b --map C=d, or --from
// twice (a period and, with --mime, an address).
CLI::Option* add_repeatable(CLI::App* command, const char* name, std::vector<std::string>& values,
                            const char* description, const char* type) {
    return command->add_option(name, values, description)
        ->type_name(type)
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// The fields of an activity, for activity add and edit and opp link ID activity.
void add_activity_fields(CLI::App* command, activity::Fields& fields, bool with_deal) {
    if (with_deal)
        command->add_option("--opp", fields.opp, "The deal it is about")->type_name("ID");
    command->add_option("--org", fields.org, "The organization it is with")->type_name("ORG");
    command->add_option("--contact", fields.contact, "The contact it is with")
        ->type_name("CONTACT");
    command->add_option("--type", fields.type, "call, meeting, task or email")->type_name("TYPE");
    command->add_option("--subject", fields.subject, "What it is about")->type_name("TEXT");
    command
        ->add_option("--due", fields.due, "When: a date, and a time if it has one (\"fri 14:30\")")
        ->type_name("DATE[ HH:MM]");
    command->add_option("--duration", fields.duration, "How long: 30m, 1h, 1h30m")
        ->type_name("DURATION");
    command->add_option("--notes", fields.notes, "Free text")->type_name("TEXT");
    command->add_option("--owner", fields.owner, "Who does it (default: $FUNNEL_USER, else $USER)")
        ->type_name("NAME");
}

}  // namespace

}  // namespace funnel::cli

namespace funnel::cli::opp {

namespace {

// The fields of opp add (`adding`) and opp edit.
void add_deal_options(CLI::App* command, DealFields& fields, bool adding) {
    auto* close = command
                      ->add_option("--close", fields.close,
                                   "Expected close date (YYYY-MM-DD, eom, +2w, fri, 2026Q3, ...)")
                      ->type_name("DATE");
    if (adding) close->required();
    command->add_option("--amount", fields.amount, "Amount, e.g. 12000, 12000.50, 12k")
        ->type_name("AMOUNT");
    command
        ->add_option("--currency", fields.currency, "ISO 4217 currency (default: the data file's)")
        ->type_name("CUR");
    command->add_option("--stage", fields.stage, "Stage name or unique prefix")->type_name("STAGE");
    command
        ->add_option("--probability", fields.probability,
                     "Chance of winning, 0-100 (default: the stage's)")
        ->type_name("0-100");
    const char* missing = adding ? " (created if missing)" : " (--create makes a new one)";
    command->add_option("--org", fields.org, fmt::format("Organization id or name{}", missing))
        ->type_name("ORG");
    command->add_option("--contact", fields.contact, fmt::format("Contact id or name{}", missing))
        ->type_name("CONTACT");
    command->add_option("--type", fields.type, "new or existing business")
        ->type_name("new|existing");
    command->add_option("--next-step", fields.next_step, "The action that moves the deal on")
        ->type_name("TEXT");
    command->add_option("--description", fields.description, "Free text")->type_name("TEXT");
    command->add_option("--owner", fields.owner, "Salesperson (default: $FUNNEL_USER, else $USER)")
        ->type_name("NAME");
    command->add_option("--source", fields.source, "Where the lead came from")->type_name("TEXT");
}

}  // namespace

// The filters and order of opp list, which export opportunities shares.
void add_list_options(CLI::App* command, ListOptions& options, bool open_by_default) {
    command->add_option("--stage", options.stages, "Only these stages (repeatable)")
        ->type_name("STAGE");
    command->add_flag("--open", options.open,
                      open_by_default ? "Open deals (the default)" : "Open deals");
    command->add_flag("--won", options.won, "Won deals");
    command->add_flag("--lost", options.lost, "Lost deals");
    command->add_flag("--closed", options.closed, "Won and lost deals");
    command->add_flag("--all", options.all,
                      open_by_default ? "Every deal" : "Every deal (the default)");
    command->add_option("--org", options.org, "Deals with this organization")->type_name("ORG");
    command->add_option("--contact", options.contact, "Deals with this contact")
        ->type_name("CONTACT");
    command->add_option("--owner", options.owner, "Deals of this owner")->type_name("NAME");
    command->add_option("--type", options.type, "new or existing business")
        ->type_name("new|existing");
    command->add_option("--closing-from", options.closing_from, "Close date on or after")
        ->type_name("DATE");
    command->add_option("--closing-to", options.closing_to, "Close date on or before")
        ->type_name("DATE");
    command->add_flag("--overdue", options.overdue, "Open deals whose close date has passed");
    command
        ->add_option("--search", options.search,
                     "Text in name, description, next step, org or contact")
        ->type_name("TEXT");
    command
        ->add_option("--sort", options.sort,
                     "close, amount, weighted, probability, stage, name, id or updated")
        ->type_name("KEY");
    command->add_flag("--desc", options.descending, "Sort in descending order");
    command->add_option("--limit", options.limit, "Show at most N deals")->type_name("N");
}

void setup(CLI::App& group, Action& action) {
    auto* opp = &group;

    {
        auto options = std::make_shared<AddOptions>();
        auto* command = opp->add_subcommand("add", "Add an opportunity");
        command->add_option("NAME", options->name, "What the deal is")->required();
        add_deal_options(command, options->fields, true);
        on_run(command, action, options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto* command = opp->add_subcommand("list", "List opportunities (open ones by default)");
        add_list_options(command, *options, true);
        on_run(command, action, options, run_list);
    }
    {
        auto options = std::make_shared<ShowOptions>();
        auto* command = opp->add_subcommand("show", "Show one opportunity");
        command->add_option("ID", options->id, "Opportunity id")->required();
        on_run(command, action, options, run_show);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto* command = opp->add_subcommand("edit", "Change fields of an opportunity");
        command->add_option("ID", options->id, "Opportunity id")->required();
        command->add_option("--name", options->name, "New name")->type_name("NAME");
        add_deal_options(command, options->fields, false);
        command->add_option("--note", options->note, "Why, recorded in the history")
            ->type_name("TEXT");
        command->add_flag("--create", options->create,
                          "Create the --org or --contact named when none has that name");
        on_run(command, action, options, run_edit);
    }
    {
        auto options = std::make_shared<StageOptions>();
        auto* command = opp->add_subcommand("stage", "Move an opportunity to a stage");
        command->add_option("ID", options->id, "Opportunity id")->required();
        command->add_option("STAGE", options->stage, "Stage name or unique prefix")->required();
        command
            ->add_option("--probability", options->probability,
                         "Probability instead of the stage's default")
            ->type_name("0-100");
        command->add_option("--note", options->note, "Why, recorded in the history")
            ->type_name("TEXT");
        command->add_option("--reason", options->reason, "Why the deal was lost (lost stages)")
            ->type_name("TEXT");
        command->add_option("--on", options->on, "When it happened (default: today)")
            ->type_name("DATE");
        on_run(command, action, options, run_stage);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto* command = opp->add_subcommand(
            "delete", "Delete an opportunity, its history, quotes, documents and lines");
        command->add_option("ID", options->id, "Opportunity id")->required();
        command->add_flag("-y,--yes", options->yes, "Do not ask for confirmation");
        on_run(command, action, options, run_delete);
    }
    {
        auto options = std::make_shared<HistoryOptions>();
        auto* command =
            opp->add_subcommand("history", "Every recorded change of an opportunity, oldest first");
        command->add_option("ID", options->id, "Opportunity id")->required();
        on_run(command, action, options, run_history);
    }
    {
        auto target = std::make_shared<link::Target>();
        auto* command =
            opp->add_subcommand("link", "Link a contact, quote, document, product or activity");
        command->add_option("ID", target->id, "Opportunity id")->required();
        command->require_subcommand(1);
        const auto kind = [&](const char* name, const char* description) {
            return command->add_subcommand(name, description);
        };
        {
            auto options = std::make_shared<link::ContactOptions>();
            auto* sub = kind("contact", "A contact, with a role");
            sub->add_option("CONTACT", options->contact, "Contact id or name")->required();
            sub->add_option(
                   "--role", options->role,
                   "decision-maker, economic-buyer, evaluator, influencer, champion, user or other")
                ->type_name("ROLE");
            sub->add_flag("--primary", options->primary, "Make it the deal's primary contact");
            sub->add_flag("--create", options->create,
                          "Create the contact when none has that name");
            sub->callback([&action, target, options] {
                action = [target, options](Session& session) {
                    link::run_contact(*target, *options, session);
                };
            });
        }
        {
            auto options = std::make_shared<link::QuoteOptions>();
            auto* sub = kind("quote", "A quote, or an update of one with the same number");
            sub->add_option("NUMBER", options->number, "The quote's number")->required();
            sub->add_option("--amount", options->amount, "Its amount, in the deal's currency")
                ->type_name("AMOUNT");
            sub->add_option("--status", options->status,
                            "draft, sent, accepted, rejected or expired")
                ->type_name("STATUS");
            sub->add_option("--valid-until", options->valid_until, "Its last valid day")
                ->type_name("DATE");
            sub->add_option("--file", options->file, "The quote's file")->type_name("PATH");
            sub->callback([&action, target, options] {
                action = [target, options](Session& session) {
                    link::run_quote(*target, *options, session);
                };
            });
        }
        {
            auto options = std::make_shared<link::DocumentOptions>();
            auto* sub = kind("document", "A file (its size and SHA-256 are kept) or a URL");
            sub->add_option("PATH|URL", options->location, "The file or the URL")->required();
            sub->add_option("--title", options->title, "What it is")->type_name("TEXT");
            sub->callback([&action, target, options] {
                action = [target, options](Session& session) {
                    link::run_document(*target, *options, session);
                };
            });
        }
        {
            auto options = std::make_shared<link::ProductOptions>();
            auto* sub = kind("product", "A line: quantity x unit price, less a discount");
            sub->add_option("PRODUCT", options->product, "Product id or name")->required();
            sub->add_option("--qty", options->quantity, "Quantity (default 1)")->type_name("N");
            sub->add_option("--price", options->price, "Unit price (default: the catalog's)")
                ->type_name("AMOUNT");
            sub->add_option("--discount", options->discount, "Discount in percent")
                ->type_name("PCT");
            sub->callback([&action, target, options] {
                action = [target, options](Session& session) {
                    link::run_product(*target, *options, session);
                };
            });
        }
        {
            auto options = std::make_shared<link::ActivityOptions>();
            auto* sub = kind("activity", "An activity about the deal");
            add_activity_fields(sub, options->fields, false);
            sub->callback([&action, target, options] {
                action = [target, options](Session& session) {
                    link::run_activity(*target, *options, session);
                };
            });
        }
    }
    {
        auto options = std::make_shared<link::UnlinkOptions>();
        auto* command = opp->add_subcommand(
            "unlink", "Remove a linked record (an activity only leaves the deal)");
        command->add_option("ID", options->id, "Opportunity id")->required();
        command->add_option("KIND", options->kind, "contact, quote, document, product or activity")
            ->required();
        command->add_option("LINK_ID", options->link_id, "The link's id, as opp show lists it")
            ->required();
        on_run(command, action, options, link::run_unlink);
    }
}

}  // namespace funnel::cli::opp

namespace funnel::cli::org {

namespace {

void add_org_options(CLI::App* command, OrgFields& fields) {
    command->add_option("--industry", fields.industry, "Industry")->type_name("TEXT");
    command->add_option("--website", fields.website, "Website")->type_name("URL");
    command->add_option("--phone", fields.phone, "Phone number")->type_name("TEXT");
    command->add_option("--notes", fields.notes, "Free text")->type_name("TEXT");
}

}  // namespace

void setup(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<AddOptions>();
        auto* command = group.add_subcommand("add", "Add an organization");
        command->add_option("NAME", options->name, "Its name (unique, any case)")->required();
        add_org_options(command, options->fields);
        on_run(command, action, options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto* command = group.add_subcommand("list", "List organizations");
        on_run(command, action, options, run_list);
    }
    {
        auto options = std::make_shared<ShowOptions>();
        auto* command = group.add_subcommand(
            "show", "Show an organization with its deals, contacts and totals");
        command->add_option("ORG", options->org, "Organization id or name")->required();
        on_run(command, action, options, run_show);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto* command = group.add_subcommand("edit", "Change an organization");
        command->add_option("ORG", options->org, "Organization id or name")->required();
        command->add_option("--name", options->name, "New name")->type_name("NAME");
        add_org_options(command, options->fields);
        on_run(command, action, options, run_edit);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto* command =
            group.add_subcommand("delete", "Delete an organization no deal or contact uses");
        command->add_option("ORG", options->org, "Organization id or name")->required();
        command->add_flag("-y,--yes", options->yes, "Do not ask for confirmation");
        on_run(command, action, options, run_delete);
    }
}

}  // namespace funnel::cli::org

namespace funnel::cli::contact {

namespace {

// The fields of contact add (`adding`) and contact edit.
void add_contact_options(CLI::App* command, ContactFields& fields, bool adding) {
    command
        ->add_option("--org", fields.org,
                     adding ? "Organization id or name (created if missing)"
                            : "Organization id or name (--create makes a new one)")
        ->type_name("ORG");
    command->add_option("--email", fields.email, "Email address")->type_name("ADDRESS");
    command->add_option("--phone", fields.phone, "Phone number")->type_name("TEXT");
    command->add_option("--title", fields.title, "Job title")->type_name("TEXT");
    command->add_option("--notes", fields.notes, "Free text")->type_name("TEXT");
}

}  // namespace

void setup(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<AddOptions>();
        auto* command = group.add_subcommand("add", "Add a contact");
        command->add_option("NAME", options->name, "Full name")->required();
        add_contact_options(command, options->fields, true);
        on_run(command, action, options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto* command = group.add_subcommand("list", "List contacts");
        command->add_option("--org", options->org, "Contacts of this organization")
            ->type_name("ORG");
        on_run(command, action, options, run_list);
    }
    {
        auto options = std::make_shared<ShowOptions>();
        auto* command = group.add_subcommand("show", "Show a contact with their deals");
        command->add_option("CONTACT", options->contact, "Contact id or name")->required();
        on_run(command, action, options, run_show);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto* command = group.add_subcommand("edit", "Change a contact");
        command->add_option("CONTACT", options->contact, "Contact id or name")->required();
        command->add_option("--name", options->name, "New name")->type_name("NAME");
        add_contact_options(command, options->fields, false);
        command->add_flag("--create", options->create,
                          "Create the --org named when none has that name");
        on_run(command, action, options, run_edit);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto* command = group.add_subcommand("delete", "Delete a contact no deal uses");
        command->add_option("CONTACT", options->contact, "Contact id or name")->required();
        command->add_flag("-y,--yes", options->yes, "Do not ask for confirmation");
        on_run(command, action, options, run_delete);
    }
}

}  // namespace funnel::cli::contact

namespace funnel::cli::stage {

namespace {

void add_placement_options(CLI::App* command, Placement& placement) {
    auto* after = command->add_option("--after", placement.after, "Place it right after this stage")
                      ->type_name("STAGE");
    command->add_option("--before", placement.before, "Place it right before this stage")
        ->type_name("STAGE")
        ->excludes(after);
}

}  // namespace

void setup(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<ListOptions>();
        auto* command = group.add_subcommand("list", "List the stages in order");
        on_run(command, action, options, run_list);
    }
    {
        auto options = std::make_shared<AddOptions>();
        auto* command = group.add_subcommand("add", "Add a stage");
        command->add_option("NAME", options->name, "Its name: letters, digits, '-' and '_'")
            ->required();
        add_placement_options(command, options->placement);
        command->add_option("--probability", options->probability, "Default probability, 0-100")
            ->type_name("0-100");
        command
            ->add_option("--category", options->category,
                         "pipeline, best-case, commit, closed or omitted")
            ->type_name("CATEGORY");
        command->add_option("--state", options->state, "open (default), won or lost")
            ->type_name("open|won|lost");
        command->add_option("--label", options->label, "What people read")->type_name("TEXT");
        command
            ->add_option("--stale-days", options->stale_days,
                         "Days without change before a deal is stale (30)")
            ->type_name("N");
        on_run(command, action, options, run_add);
    }
    {
        auto options = std::make_shared<SetOptions>();
        auto* command = group.add_subcommand("set", "Change a stage");
        command->add_option("NAME", options->name, "Stage name or unique prefix")->required();
        command->add_option("--label", options->label, "What people read")->type_name("TEXT");
        command->add_option("--probability", options->probability, "Default probability, 0-100")
            ->type_name("0-100");
        command
            ->add_option("--category", options->category,
                         "pipeline, best-case, commit, closed or omitted")
            ->type_name("CATEGORY");
        command->add_option("--rename", options->rename, "New name")->type_name("NAME");
        add_placement_options(command, options->placement);
        command
            ->add_option("--stale-days", options->stale_days,
                         "Days without change before a deal is stale")
            ->type_name("N");
        on_run(command, action, options, run_set);
    }
    {
        auto options = std::make_shared<RemoveOptions>();
        auto* command = group.add_subcommand("remove", "Remove a stage no deal is or was in");
        command->add_option("NAME", options->name, "Stage name or unique prefix")->required();
        on_run(command, action, options, run_remove);
    }
    {
        auto options = std::make_shared<CalibrateOptions>();
        auto* command =
            group.add_subcommand("calibrate", "Propose the probabilities that history supports");
        command
            ->add_option("--min-deals", options->min_deals,
                         "Closed deals a stage needs (default 10)")
            ->type_name("N");
        command->add_flag("--apply", options->apply, "Write the proposed probabilities");
        on_run(command, action, options, run_calibrate);
    }
}

}  // namespace funnel::cli::stage

namespace funnel::cli::product {

void setup(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<AddOptions>();
        auto* command = group.add_subcommand("add", "Add a product or service to the catalog");
        command->add_option("NAME", options->name, "Its name (unique, any case)")->required();
        command->add_option("--price", options->price, "Unit price")
            ->type_name("AMOUNT")
            ->required();
        command->add_option("--kind", options->kind, "product (default) or service")
            ->type_name("KIND");
        command->add_option("--unit", options->unit, "What one is: seat, hour, licence")
            ->type_name("TEXT");
        command->add_option("--currency", options->currency, "ISO 4217 (default: the data file's)")
            ->type_name("CUR");
        on_run(command, action, options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto* command = group.add_subcommand("list", "List the catalog");
        on_run(command, action, options, run_list);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto* command =
            group.add_subcommand("edit", "Change a product (existing lines keep their price)");
        command->add_option("PRODUCT", options->product, "Product id or name")->required();
        command->add_option("--name", options->name, "New name")->type_name("NAME");
        command->add_option("--price", options->price, "Unit price")->type_name("AMOUNT");
        command->add_option("--kind", options->kind, "product or service")->type_name("KIND");
        command->add_option("--unit", options->unit, "What one is")->type_name("TEXT");
        command->add_option("--currency", options->currency, "ISO 4217")->type_name("CUR");
        on_run(command, action, options, run_edit);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto* command = group.add_subcommand("delete", "Delete a product no line uses");
        command->add_option("PRODUCT", options->product, "Product id or name")->required();
        command->add_flag("-y,--yes", options->yes, "Do not ask for confirmation");
        on_run(command, action, options, run_delete);
    }
}

}  // namespace funnel::cli::product

namespace funnel::cli::activity {

void setup(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<AddOptions>();
        auto* command = group.add_subcommand("add", "Add a call, meeting, task or email");
        add_activity_fields(command, options->fields, true);
        on_run(command, action, options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto* command = group.add_subcommand("list", "List activities (pending ones by default)");
        command->add_flag("--upcoming", options->upcoming, "Pending, due today or later");
        command->add_flag("--overdue", options->overdue, "Pending, due before today");
        command->add_flag("--done", options->done, "Done ones");
        command->add_flag("--all", options->all, "All of them");
        command->add_option("--opp", options->opp, "Of this deal")->type_name("ID");
        command->add_option("--from", options->from, "Due on or after")->type_name("DATE");
        command->add_option("--to", options->to, "Due on or before")->type_name("DATE");
        command->add_option("--owner", options->owner, "Of this owner")->type_name("NAME");
        on_run(command, action, options, run_list);
    }
    {
        auto options = std::make_shared<DoneOptions>();
        auto* command = group.add_subcommand("done", "Mark an activity done");
        command->add_option("ID", options->id, "Activity id")->required();
        command->add_option("--on", options->on, "When (default: today)")->type_name("DATE");
        on_run(command, action, options, run_done);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto* command = group.add_subcommand("edit", "Change an activity");
        command->add_option("ID", options->id, "Activity id")->required();
        add_activity_fields(command, options->fields, true);
        on_run(command, action, options, run_edit);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto* command = group.add_subcommand("delete", "Delete an activity");
        command->add_option("ID", options->id, "Activity id")->required();
        command->add_flag("-y,--yes", options->yes, "Do not ask for confirmation");
        on_run(command, action, options, run_delete);
    }
}

}  // namespace funnel::cli::activity

namespace funnel::cli::db {

void setup(CLI::App& group, Action& action) {
    auto options = std::make_shared<InfoOptions>();
    auto* info =
        group.add_subcommand("info", "Where the data file is, its schema version and counts");
    info->add_option("--set-currency", options->set_currency,
                     "Change the default currency (ISO 4217)")
        ->type_name("CUR");
    on_run(info, action, options, run_info);
    {
        auto options = std::make_shared<BackupOptions>();
        auto* command = group.add_subcommand(
            "backup", "Copy the data file, consistent even while others write, to a new file");
        command->add_option("FILE", options->file, "The new file (never replaced)")->required();
        on_run(command, action, options, run_backup);
    }
    {
        auto options = std::make_shared<CheckOptions>();
        auto* command = group.add_subcommand(
            "check", "Check the data file: integrity, foreign keys and funnel's rules");
        on_run(command, action, options, run_check);
    }
}

}  // namespace funnel::cli::db

namespace funnel::cli::transfer {

void setup_import(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<ImportOptions>();
        auto* command = group.add_subcommand(
            "opportunities", "Deals from a CSV export of another CRM or a spreadsheet");
        command->add_option("FILE", options->file, "The CSV file, or - for standard input")
            ->required();
        command
            ->add_option("--preset", options->preset,
                         "Column names of generic (funnel's export), vtiger or salesforce")
            ->type_name("NAME");
        add_repeatable(command, "--map", options->maps,
                       "Column to field, or to ignore (repeatable): --map 'Deal=name'",
                       "COLUMN=FIELD");
        add_repeatable(command, "--stage-map", options->stage_maps,
                       "A stage of the file to a stage of funnel (repeatable)", "FOREIGN=STAGE");
        command
            ->add_option("--date-format", options->date_format,
                         "How the file writes dates: %m/%d/%Y, %d.%m.%y, ... (default YYYY-MM-DD)")
            ->type_name("FMT");
        command
            ->add_option("--currency", options->currency,
                         "Currency of amounts when no column gives one (default: the data file's)")
            ->type_name("CUR");
        command
            ->add_option("--key", options->key,
                         "The column of the deals' ids in the other system: a row whose id is "
                         "known already is a duplicate")
            ->type_name("COLUMN");
        command
            ->add_option("--on-duplicate", options->on_duplicate, "skip (default), update or error")
            ->type_name("WHAT");
        add_repeatable(command, "--default", options->defaults,
                       "Value for blank cells of a field (repeatable): close_date=eoq, org=Unknown",
                       "FIELD=VALUE");
        add_repeatable(command, "--lookup", options->lookups,
                       "Names for a column of record ids, from another export (repeatable): "
                       "AccountId=Account.csv",
                       "COLUMN=FILE");
        command
            ->add_option("--delimiter", options->delimiter,
                         "',', ';', '|' or tab (default: the header line decides)")
            ->type_name("CHAR");
        command
            ->add_option("--encoding", options->encoding,
                         "The file's text encoding: windows-1252 (Excel's CSV on Windows), "
                         "latin1, utf-16 (Excel's Unicode text), ... (default utf-8)")
            ->type_name("NAME");
        command->add_flag("--dry-run", options->dry_run,
                          "Check every row and show what would be done; write nothing");
        command->footer(
            "Fields: name, org, contact, amount, currency, close_date, stage, probability, type, "
            "next_step, description, owner, source, created_at, updated_at, closed_at, "
            "lost_reason, external_id, ignore. The file is imported whole or not at all.");
        on_run(command, action, options, run_import);
    }
    {
        auto options = std::make_shared<RestoreOptions>();
        auto* command = group.add_subcommand(
            "all", "Restore a dump made by export all into an empty data file");
        command->add_option("FILE", options->file, "The dump, or - for standard input")->required();
        on_run(command, action, options, run_restore);
    }
}

void setup_export(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<ExportOptions>();
        options->list.sort = "id";
        auto* command = group.add_subcommand(
            "opportunities", "Every deal (or those filtered as in opp list) as csv, json or jsonl");
        opp::add_list_options(command, options->list, false);
        command->add_flag("--excel-safe", options->excel_safe,
                          "Make cells that a spreadsheet would run as formulas inert (csv; the "
                          "default, unless --raw)");
        on_run(command, action, options, run_export);
    }
    {
        auto options = std::make_shared<DumpOptions>();
        auto* command =
            group.add_subcommand("all", "The whole data file as one JSON document, for import all");
        on_run(command, action, options, run_dump);
    }
}

}  // namespace funnel::cli::transfer

namespace funnel::cli::report {

namespace {

void add_scope_options(CLI::App* command, ScopeOptions& scope) {
    command->add_option("--owner", scope.owner, "Only this owner's deals")->type_name("NAME");
    command->add_option("--type", scope.type, "Only new or existing business")
        ->type_name("new|existing");
    command->add_option("--currency", scope.currency, "Only this currency")->type_name("CUR");
}

void add_mail_options(CLI::App* command, MailOptions& mail) {
    command->add_flag("--mime", mail.mime,
                      "Print a complete mail (text and html) for sendmail -t; needs --to ADDRESS");
    command->add_option("--subject", mail.subject, "The subject of the mail")->type_name("TEXT");
}

}  // namespace

void setup(CLI::App& group, Action& action) {
    {
        auto options = std::make_shared<ForecastOptions>();
        auto* command =
            group.add_subcommand("forecast", "What will close, and when: by period, per currency");
        command->add_option("--by", options->by, "month (default), quarter or year")
            ->type_name("PERIOD");
        add_repeatable(command, "--from", options->from,
                       "First period (2026-11, 2026Q4, 2026 or a date; default: this one); with "
                       "--mime, the sender too",
                       "PERIOD|ADDRESS");
        add_repeatable(command, "--to", options->to,
                       "Last period (default: six periods in all); with --mime, the recipient too",
                       "PERIOD|ADDRESS");
        command
            ->add_option("--group", options->group,
                         "Rows per stage, owner, type, org, category or source")
            ->type_name("FIELD");
        add_scope_options(command, options->scope);
        command->add_flag("--simulate", options->simulate,
                          "Add the P10, P50 and P90 of the open deals' revenue, by simulation");
        command->add_option("--trials", options->trials, "Simulated trials (default 10,000)")
            ->type_name("N");
        command->add_option("--seed", options->seed, "Seed of the simulation (default 1)")
            ->type_name("N");
        command
            ->add_option("--as-of", options->as_of,
                         "The forecast as it stood at the end of that day")
            ->type_name("DATE");
        command
            ->add_option("--compare", options->compare,
                         "What changed in the pipeline since that day")
            ->type_name("DATE");
        add_mail_options(command, options->mail);
        on_run(command, action, options, run_forecast);
    }
    {
        auto options = std::make_shared<PipelineOptions>();
        auto* command =
            group.add_subcommand("pipeline", "Open deals by stage: count, amount, weighted, age");
        add_scope_options(command, options->scope);
        command
            ->add_option("--as-of", options->as_of,
                         "The pipeline as it stood at the end of that day")
            ->type_name("DATE");
        add_repeatable(command, "--to", options->to, "With --mime: the recipient", "ADDRESS");
        add_repeatable(command, "--from", options->from, "With --mime: the sender", "ADDRESS");
        add_mail_options(command, options->mail);
        on_run(command, action, options, run_pipeline);
    }
    const auto add_range = [](CLI::App* command, RangeOptions& range, const char* what) {
        command->add_option("--from", range.from, std::string("First day of the range") + what)
            ->type_name("DATE");
        command->add_option("--to", range.to, "Last day of the range")->type_name("DATE");
    };
    {
        auto options = std::make_shared<PerformanceOptions>();
        auto* command = group.add_subcommand(
            "performance", "Won and lost, win rates, deal size, cycle and velocity");
        add_range(command, options->range, " of the close dates (default: a year ago)");
        command->add_option("--by", options->by, "Rows per owner, type, source or org")
            ->type_name("FIELD");
        on_run(command, action, options, run_performance);
    }
    {
        auto options = std::make_shared<SlippedOptions>();
        auto* command = group.add_subcommand("slipped", "Deals whose close date moved later");
        add_range(command, options->range, ": deals that slipped out of it");
        on_run(command, action, options, run_slipped);
    }
    {
        auto options = std::make_shared<StaleOptions>();
        auto* command = group.add_subcommand("stale", "Open deals without a change for too long");
        command
            ->add_option("--days", options->days, "Idle days (default: each stage's --stale-days)")
            ->type_name("N");
        on_run(command, action, options, run_stale);
    }
    {
        auto options = std::make_shared<ConversionOptions>();
        auto* command = group.add_subcommand(
            "conversion", "Per stage: entered, moved on, won, lost, days, observed win rate");
        add_range(command, options->range, " of stage entries");
        on_run(command, action, options, run_conversion);
    }
}

}  // namespace funnel::cli::report

namespace funnel::cli {

namespace {

struct Group {
    const char* name;
    const char* description;
    void (*setup)(CLI::App&, Action&);
};

constexpr Group groups[] = {
    {"opp", "Opportunities (deals): add, list, change, close", opp::setup},
    {"org", "Organizations: the companies deals are with", org::setup},
    {"contact", "Contacts: the people deals are with", contact::setup},
    {"stage", "Sales stages: their order, probabilities and categories", stage::setup},
    {"activity", "Activities: calls, meetings, tasks and emails, with a due date", activity::setup},
    {"product", "Products and services: the catalog that deals' lines refer to", product::setup},
    {"report", "Reports: forecast, pipeline, performance, slipped, stale, conversion",
     report::setup},
    {"import", "Import deals from CSV, or restore a dump", transfer::setup_import},
    {"export", "Export deals as csv, json or jsonl, or dump the whole file",
     transfer::setup_export},
    {"db", "The data file: info, check, backup", db::setup},
};

}  // namespace

std::unique_ptr<CLI::App> build_app(GlobalOptions& globals, Action& action,
                                    std::span<const char* const> words) {
    auto app = std::make_unique<CLI::App>(
        "funnel: sales opportunities in a local file, and honest probability-weighted forecasts",
        "funnel");
    // Global options are accepted after a subcommand too.
    app->fallthrough();
    app->require_subcommand(1);
    app->set_version_flag("--version", "funnel " + std::string(version));
    app->add_option("--db", globals.db,
                    "Data file (default: $FUNNEL_DB, else $XDG_DATA_HOME/funnel/funnel.db)")
        ->type_name("PATH");
    app->add_option("--format", globals.format,
                    "table, json, jsonl, csv, tsv, markdown or html (and ics for calendar)")
        ->type_name("FORMAT");
    app->add_flag("--json", globals.json, "Short for --format json");
    app->add_option("--color", globals.color, "auto, always or never")->type_name("WHEN");
    app->add_option("--today", globals.today,
                    "The date taken as today (default: $FUNNEL_TODAY, else the system date)")
        ->type_name("DATE");
    app->add_flag("-q,--quiet", globals.quiet, "Print only ids; nothing else on success");
    app->add_flag("--raw", globals.raw,
                  "csv and tsv text as stored: no apostrophe before a cell a spreadsheet would "
                  "run as a formula (=, +, -, @)");
    for (const auto& group : groups) {
        auto* command = app->add_subcommand(group.name, group.description);
        command->require_subcommand(1);
        const bool named = std::find_if(words.begin(), words.end(), [&](const char* word) {
                               return std::string_view(word) == group.name;
                           }) != words.end();
        if (words.empty() || named) group.setup(*command, action);
    }
    auto calendar = std::make_shared<calendar::Options>();
    auto* agenda =
        app->add_subcommand("calendar", "Close dates and activities by day, or as iCalendar");
    agenda->add_option("--from", calendar->from, "First day (default: today)")->type_name("DATE");
    agenda->add_option("--to", calendar->to, "Last day (default: two weeks on)")->type_name("DATE");
    agenda->add_option("--owner", calendar->owner, "Only this owner's")->type_name("NAME");
    agenda->add_flag("--all", calendar->all, "Closed deals and done activities too");
    agenda->footer("--format ics writes an RFC 5545 calendar that calendar programs subscribe to.");
    agenda->callback([&action, &globals, calendar] {
        globals.ics_allowed = true;
        action = [calendar](Session& session) { calendar::run(*calendar, session); };
    });
    return app;
}

namespace {

int fail(ErrorKind kind, const std::string& message) {
    std::cout.flush();
    std::cerr << "funnel: " << message << '\n';
    return static_cast<int>(kind);
}

// SQLite's own failures: a busy file is a conflict, anything else a runtime failure.
int fail_database(const SQLite::Exception& e) {
    const int code = e.getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return fail(ErrorKind::conflict,
                    "the data file is busy: another process kept it locked; try again");
    if (code == SQLITE_CONSTRAINT)
        return fail(ErrorKind::conflict, fmt::format("refused by the data file: {}", e.what()));
    if (code == SQLITE_READONLY)
        return fail(ErrorKind::runtime, fmt::format("cannot write the data file: {}", e.what()));
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return fail(ErrorKind::runtime, fmt::format("the data file is damaged: {}", e.what()));
    if (code == SQLITE_FULL)
        return fail(ErrorKind::runtime, "the disk is full; nothing was written");
    // SQLite's sum() refuses to wrap around, as funnel's own totals do.
    if (std::string_view(e.what()).find("integer overflow") != std::string_view::npos)
        return fail(ErrorKind::runtime,
                    "a total is out of range: it passes 9,223,372,036,854,775,807 minor units, "
                    "more than funnel adds exactly; narrow the report (--currency, --owner, fewer "
                    "periods)");
    return fail(ErrorKind::runtime, fmt::format("database error: {}", e.what()));
}

// The deepest subcommand the command line chose.
const CLI::App* chosen(const CLI::App& app) {
    for (const auto* sub : app.get_subcommands())
        return chosen(*sub);
    return &app;
}

// "funnel opp needs a command" reads better than CLI11's "A subcommand is required".
std::optional<std::string> missing_command(const CLI::App& app, int argc, const char* const* argv) {
    const CLI::App* command = chosen(app);
    const auto subcommands = command->get_subcommands({});
    if (subcommands.empty()) return std::nullopt;
    std::vector<std::string> names;
    for (const auto* sub : subcommands)
        names.push_back(sub->get_name());
    std::string path = "funnel";
    for (const CLI::App* at = command; at->get_parent(); at = at->get_parent())
        path.insert(6, " " + at->get_name());
    // The word after the chosen command and its arguments, if any, is what was not understood.
    bool after = command == &app;
    std::size_t arguments =
        command->get_options([](const CLI::Option* option) { return option->get_positional(); })
            .size();
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (after && !word.starts_with("-") && arguments > 0) {
            --arguments;
            continue;
        }
        if (after && !word.starts_with("-"))
            return fmt::format("unknown command {} for {}; expected one of {}", in_quotes(word),
                               path, join(names, ", "));
        if (word == command->get_name()) after = true;
        if (word == "--db" || word == "--format" || word == "--color" || word == "--today") ++i;
    }
    return fmt::format("{} needs a command: {}", path, join(names, ", "));
}

}  // namespace

int run(int argc, const char* const* argv) {
    GlobalOptions globals;
    Action action;
    auto app =
        build_app(globals, action, std::span(argv + 1, std::size_t(argc > 0 ? argc - 1 : 0)));
    try {
        app->parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app->exit(e);
    } catch (const CLI::RequiredError& e) {
        if (auto message = missing_command(*app, argc, argv))
            return fail(ErrorKind::invalid, *message);
        return fail(ErrorKind::invalid, fmt::format("{} (see --help)", e.what()));
    } catch (const CLI::ParseError& e) {
        return fail(ErrorKind::invalid, fmt::format("{} (see --help)", e.what()));
    }
    try {
        Session session(globals);
        action(session);
        std::cout.flush();
        if (!std::cout) return fail(ErrorKind::runtime, "cannot write the output");
        return 0;
    } catch (const Error& e) {
        return fail(e.kind(), e.what());
    } catch (const SQLite::Exception& e) {
        return fail_database(e);
    } catch (const std::bad_alloc&) {
        return fail(ErrorKind::runtime, "out of memory");
    } catch (const std::exception& e) {
        return fail(ErrorKind::runtime, e.what());
    }
}

}  // namespace funnel::cli
