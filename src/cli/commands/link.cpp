#include "commands/link.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/opp.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "funnel/system/digest.hpp"
#include "parties.hpp"

namespace funnel::cli::link {

namespace {

// The deal of a link command: its id, or a name that one deal has (opp::deal_id).
std::int64_t deal_of(const std::string& selector, const Session& session) {
    Store store = session.read_store();
    return opp::deal_id(store, selector);
}

// Prints what a link command did: the deal's record in machine formats, the link id with -q.
void report(const Session& session, Store& store, std::int64_t opp_id, std::int64_t link_id,
            const std::string& line) {
    if (session.quiet()) {
        session.out() << link_id << '\n';
    } else if (session.machine_format()) {
        session.print(opportunity_record(store.deals().get(opp_id), session.today()));
    } else {
        session.out() << line << '\n';
    }
}

void linked(Store& store, const Session& session, std::int64_t opp_id, const std::string& what,
            const std::string& note = "") {
    store.deals().record_event(opp_id, session.now(), {"link", std::nullopt, what}, note);
}

// When a deal has lines, its amount is their sum: called after each change of its lines.
void sum_lines(Store& store, const Session& session, std::int64_t opp_id, const std::string& note) {
    const auto total = store.related().lines_total(opp_id);
    if (!total) return;
    const Currency currency = store.deals().get(opp_id).amount.currency;
    if (*total > max_amount_minor(currency.digits()))
        throw invalid_input(
            fmt::format("the lines of opportunity {} come to more than the largest amount ({})",
                        opp_id, format_units(max_amount_major, 0, Grouping::thousands)));
    const Opportunity before = store.deals().get(opp_id);
    Opportunity after = before;
    after.amount.minor = *total;
    store.deals().update(before, after, session.now(), note);
}

}  // namespace

void run_contact(const Target& target, const ContactOptions& options, Session& session) {
    const auto id = deal_of(target.id, session);
    const std::string role =
        options.role ? parse_option("--role", *options.role, parse_contact_role) : "other";
    struct Result {
        std::int64_t link_id;
        std::string line;
    };
    const Result result = session.write([&](Store& store) {
        const Opportunity deal = store.deals().get(id);
        const Contact contact =
            contact_named(store, session, "CONTACT", options.contact, deal.org_id,
                          options.create ? Missing::create : Missing::refuse);
        const std::int64_t link_id =
            store.related().link_contact(id, contact.id, role, options.primary, session.now());
        linked(store, session, id,
               fmt::format("contact {} ({}{})", contact.name, role,
                           options.primary ? ", primary" : ""));
        if (options.primary && deal.contact_id != contact.id) {
            // The deal's own contact is its primary contact.
            Opportunity after = deal;
            after.contact_id = contact.id;
            after.contact = contact.name;
            store.deals().update(deal, after, session.now(), "");
        }
        return Result{link_id,
                      fmt::format("Linked contact {} to opportunity {} as {}{}", contact.name, id,
                                  role, options.primary ? ", primary" : "")};
    });
    Store store = session.read_store();
    report(session, store, id, result.link_id, result.line);
}

void run_quote(const Target& target, const QuoteOptions& options, Session& session) {
    const auto id = deal_of(target.id, session);
    const std::string number = text_option("NUMBER", options.number, TextKind::name);
    const auto status =
        options.status
            ? std::optional(parse_option("--status", *options.status, parse_quote_status))
            : std::nullopt;
    const auto valid_until = options.valid_until
                                 ? std::optional(parse_date_option(
                                       "--valid-until", *options.valid_until, session.today()))
                                 : std::nullopt;
    std::string file;
    if (options.file) {
        const auto path =
            std::filesystem::absolute(text_option("--file", *options.file, TextKind::name));
        std::error_code error;
        if (!std::filesystem::is_regular_file(path, error))
            throw not_found(fmt::format("--file {}: no such file", in_quotes(path.string())));
        file = path.string();
    }
    struct Result {
        std::int64_t link_id;
        std::string line;
    };
    const Result result = session.write([&](Store& store) {
        const Opportunity deal = store.deals().get(id);
        auto existing = store.related().find_quote(id, number);
        Quote quote = existing.value_or(Quote{});
        if (options.amount)
            quote.amount = parse_amount_option("--amount", *options.amount, deal.amount.currency);
        if (status) quote.status = *status;
        if (valid_until) quote.valid_until = *valid_until;
        if (options.file) quote.file = file;
        quote.updated_at = session.now();
        const auto describe = [&] {
            std::string text = fmt::format("quote {} ({}", number, to_string(quote.status));
            if (quote.amount) text += ", " + format_money({*quote.amount, deal.amount.currency});
            return text + ")";
        };
        if (existing) {
            store.related().update_quote(quote);
            linked(store, session, id, describe(), "updated");
            return Result{quote.id, fmt::format("Updated {} of opportunity {}", describe(), id)};
        }
        quote.opp_id = id;
        quote.number = number;
        quote.currency = std::string(deal.amount.currency.code());
        quote.created_at = quote.updated_at;
        const auto link_id = store.related().insert_quote(quote);
        linked(store, session, id, describe());
        return Result{link_id, fmt::format("Linked {} to opportunity {}", describe(), id)};
    });
    Store store = session.read_store();
    report(session, store, id, result.link_id, result.line);
}

void run_document(const Target& target, const DocumentOptions& options, Session& session) {
    const auto id = deal_of(target.id, session);
    Document document;
    const std::string location = text_option("PATH|URL", options.location, TextKind::name);
    document.is_url = looks_like_url(location);
    if (options.title) document.title = text_option("--title", *options.title, TextKind::line);
    if (document.is_url) {
        document.location = location;
    } else {
        const auto path = std::filesystem::absolute(location).lexically_normal();
        const auto facts = file_facts(path);
        if (!facts) throw not_found(fmt::format("no readable file {}", in_quotes(path.string())));
        document.location = path.string();
        document.size = facts->size;
        document.sha256 = facts->sha256;
    }
    const auto link_id = session.write([&](Store& store) {
        store.deals().get(id);
        document.opp_id = id;
        document.created_at = session.now();
        const auto link_id = store.related().insert_document(document);
        linked(store, session, id,
               fmt::format("document {}",
                           document.title.empty() ? document.location : document.title));
        return link_id;
    });
    Store store = session.read_store();
    report(session, store, id, link_id,
           fmt::format("Linked document {} to opportunity {}{}", document.location, id,
                       document.size ? fmt::format(" ({} bytes, sha256 {})", *document.size,
                                                   document.sha256.substr(0, 12))
                                     : ""));
}

void run_product(const Target& target, const ProductOptions& options, Session& session) {
    const auto id = deal_of(target.id, session);
    const std::int64_t quantity =
        options.quantity ? parse_option("--qty", *options.quantity, parse_quantity) : 1000;
    const std::int64_t discount =
        options.discount ? parse_option("--discount", *options.discount, parse_discount) : 0;
    struct Result {
        std::int64_t link_id;
        std::string line;
    };
    const Result result = session.write([&](Store& store) {
        const Opportunity deal = store.deals().get(id);
        const Product product = store.related().product(options.product);
        Line line;
        line.opp_id = id;
        line.product_id = product.id;
        line.quantity_milli = quantity;
        line.discount_bp = discount;
        line.currency = std::string(deal.amount.currency.code());
        if (options.price) {
            line.unit_price = parse_amount_option("--price", *options.price, deal.amount.currency);
        } else if (product.price.currency == deal.amount.currency) {
            line.unit_price = product.price.minor;
        } else {
            throw invalid_input(fmt::format(
                "product {} is priced in {} and opportunity {} is in {}: give --price in {}",
                product.name, product.price.currency.code(), id, deal.amount.currency.code(),
                deal.amount.currency.code()));
        }
        line.total = line_total(line.quantity_milli, line.unit_price, line.discount_bp,
                                deal.amount.currency.digits());
        line.created_at = session.now();
        const auto link_id = store.related().insert_line(line);
        const Money total{line.total, deal.amount.currency};
        const std::string what =
            fmt::format("line {} x {} at {}{}: {}", format_quantity(quantity), product.name,
                        format_money({line.unit_price, deal.amount.currency}),
                        discount ? fmt::format(" less {}%", format_plain_number(discount, 2)) : "",
                        format_money(total));
        linked(store, session, id, what);
        sum_lines(store, session, id, "the sum of the lines");
        return Result{link_id, fmt::format("Added {} to opportunity {}; its amount is now {}", what,
                                           id, format_money(store.deals().get(id).amount))};
    });
    Store store = session.read_store();
    report(session, store, id, result.link_id, result.line);
}

void run_activity(const Target& target, const ActivityOptions& options, Session& session) {
    auto fields = options.fields;
    fields.opp = std::to_string(deal_of(target.id, session));
    activity::check_fields(fields, session, true);
    const Activity added =
        session.write([&](Store& store) { return activity::add_activity(store, session, fields); });
    Store store = session.read_store();
    report(session, store, *added.opp_id, added.id,
           fmt::format("Linked activity {} to opportunity {}: {} {}", added.id, *added.opp_id,
                       to_string(added.type), added.subject));
}

void run_unlink(const UnlinkOptions& options, Session& session) {
    const auto id = deal_of(options.id, session);
    std::string kind = ascii_lower(trim(options.kind));
    if (kind == "line") kind = "product";
    const std::vector<std::string> kinds = {"contact", "quote", "document", "product", "activity"};
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
        throw invalid_input(
            fmt::format("invalid KIND {}: expected contact, quote, document, product or activity",
                        in_quotes(options.kind)));
    const auto link_id = parse_id(kind + " link", options.link_id);
    const std::string what = session.write([&](Store& store) {
        const Opportunity deal = store.deals().get(id);
        const auto description = store.related().describe_link(kind, id, link_id);
        if (!description)
            throw not_found(fmt::format("opportunity {} has no {} link {}", id, kind, link_id));
        if (kind == "contact") {
            const auto links = store.related().contact_links(id);
            const auto link = std::find_if(links.begin(), links.end(),
                                           [&](const ContactLink& l) { return l.id == link_id; });
            if (link->primary) {
                if (!deal.org_id)
                    throw conflict(
                        fmt::format("{} is the only party of opportunity {}: give it an "
                                    "organization or another contact first",
                                    link->contact, id));
                Opportunity after = deal;
                after.contact_id.reset();
                after.contact.clear();
                store.deals().update(deal, after, session.now(), "");
            }
        }
        if (kind == "activity") {
            // The activity stays; it no longer belongs to the deal.
            Activity activity = store.related().activity(link_id);
            activity.opp_id.reset();
            activity.updated_at = session.now();
            store.related().update_activity(activity);
        } else {
            store.related().unlink(kind, link_id);
        }
        store.deals().record_event(id, session.now(),
                                   {"unlink", kind + " " + *description, std::nullopt}, "");
        if (kind == "product") sum_lines(store, session, id, "the sum of the lines");
        return kind + " " + *description;
    });
    if (session.quiet())
        session.out() << link_id << '\n';
    else
        session.out() << fmt::format("Unlinked {} from opportunity {}\n", what, id);
}

// The command-line definitions.

void setup(Command& opp) {
    {
        auto target = std::make_shared<Target>();
        auto command =
            opp.subcommand("link", "Link a contact, quote, document, product or activity");
        command.option("ID", target->id, "Opportunity id or name").required();
        command.require_subcommand();
        const auto kind = [&](const char* name, const char* description) {
            return command.subcommand(name, description);
        };
        {
            auto options = std::make_shared<ContactOptions>();
            auto sub = kind("contact", "A contact, with a role");
            sub.option("CONTACT", options->contact, "Contact id or name").required();
            sub.option(
                   "--role", options->role,
                   "decision-maker, economic-buyer, evaluator, influencer, champion, user or other")
                .type_name("ROLE");
            sub.flag("--primary", options->primary, "Make it the deal's primary contact");
            sub.flag("--create", options->create, "Create the contact when none has that name");
            sub.on_run(
                [target, options](Session& session) { run_contact(*target, *options, session); });
        }
        {
            auto options = std::make_shared<QuoteOptions>();
            auto sub = kind("quote", "A quote, or an update of one with the same number");
            sub.option("NUMBER", options->number, "The quote's number").required();
            sub.option("--amount", options->amount, "Its amount, in the deal's currency")
                .type_name("AMOUNT");
            sub.option("--status", options->status, "draft, sent, accepted, rejected or expired")
                .type_name("STATUS");
            sub.option("--valid-until", options->valid_until, "Its last valid day")
                .type_name("DATE");
            sub.option("--file", options->file, "The quote's file").type_name("PATH");
            sub.on_run(
                [target, options](Session& session) { run_quote(*target, *options, session); });
        }
        {
            auto options = std::make_shared<DocumentOptions>();
            auto sub = kind("document", "A file (its size and SHA-256 are kept) or a URL");
            sub.option("PATH|URL", options->location, "The file or the URL").required();
            sub.option("--title", options->title, "What it is").type_name("TEXT");
            sub.on_run(
                [target, options](Session& session) { run_document(*target, *options, session); });
        }
        {
            auto options = std::make_shared<ProductOptions>();
            auto sub = kind("product", "A line: quantity x unit price, less a discount");
            sub.option("PRODUCT", options->product, "Product id or name").required();
            sub.option("--qty", options->quantity, "Quantity (default 1)").type_name("N");
            sub.option("--price", options->price, "Unit price (default: the catalog's)")
                .type_name("AMOUNT");
            sub.option("--discount", options->discount, "Discount in percent").type_name("PCT");
            sub.on_run(
                [target, options](Session& session) { run_product(*target, *options, session); });
        }
        {
            auto options = std::make_shared<ActivityOptions>();
            auto sub = kind("activity", "An activity about the deal");
            activity::add_fields(sub, options->fields, false);
            sub.on_run(
                [target, options](Session& session) { run_activity(*target, *options, session); });
        }
    }
    {
        auto options = std::make_shared<UnlinkOptions>();
        auto command =
            opp.subcommand("unlink", "Remove a linked record (an activity only leaves the deal)");
        command.option("ID", options->id, "Opportunity id or name").required();
        command.option("KIND", options->kind, "contact, quote, document, product or activity")
            .required();
        command.option("LINK_ID", options->link_id, "The link's id, as opp show lists it")
            .required();
        command.on_run(options, run_unlink);
    }
}

}  // namespace funnel::cli::link
