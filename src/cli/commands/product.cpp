#include "commands/product.hpp"

#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "records.hpp"

namespace funnel::cli::product {

namespace {

void report(const Session& session, const Product& product, const std::string& line) {
    if (session.quiet())
        session.out() << product.id << '\n';
    else if (session.machine_format())
        session.print(Table{product_columns(), {product_row(product, 0)}});
    else
        session.out() << line << '\n';
}

std::string summary(const Product& product) {
    return fmt::format("{} ({}, {}{})", product.name, to_string(product.kind),
                       format_money(product.price),
                       product.unit.empty() ? "" : " per " + product.unit);
}

void refuse_duplicate(Store& store, const std::string& name, std::int64_t except_id) {
    if (auto existing = store.related().find_product(name);
        existing && existing->id != except_id && fold_name(existing->name) == fold_name(name))
        throw conflict(fmt::format("a product named {} already exists (id {})",
                                   in_quotes(existing->name), existing->id));
}

}  // namespace

void run_add(const AddOptions& options, Session& session) {
    Product product;
    product.name = text_option("NAME", options.name, TextKind::name);
    if (options.kind) product.kind = parse_option("--kind", *options.kind, parse_product_kind);
    if (options.unit) product.unit = text_option("--unit", *options.unit, TextKind::line);
    const auto currency =
        options.currency ? std::optional(parse_currency_option("--currency", *options.currency))
                         : std::nullopt;
    product = session.write([&](Store& store) {
        Product added = product;
        added.price.currency = currency.value_or(session.new_currency(store));
        added.price.minor =
            parse_amount_option("--price", options.price.value_or(""), added.price.currency);
        refuse_duplicate(store, added.name, 0);
        added.created_at = added.updated_at = session.now();
        added.id = store.related().insert_product(added);
        return added;
    });
    report(session, product, fmt::format("Created product {}: {}", product.id, summary(product)));
}

void run_list(const ListOptions&, Session& session) {
    Store store = session.read_store();
    ListPrinter list(session, product_columns());
    store.related().for_each_product([&](const Product& product, std::int64_t lines) {
        list.add(product.id, [&] { return product_row(product, lines); });
    });
    list.finish("no products");
}

void run_edit(const EditOptions& options, Session& session) {
    const OptText name =
        options.name ? OptText(text_option("--name", *options.name, TextKind::name)) : std::nullopt;
    const Product product = session.write([&](Store& store) {
        Product product = store.related().product(options.product);
        if (name) {
            refuse_duplicate(store, *name, product.id);
            product.name = *name;
        }
        if (options.kind) product.kind = parse_option("--kind", *options.kind, parse_product_kind);
        if (options.unit) product.unit = text_option("--unit", *options.unit, TextKind::line);
        if (options.currency) {
            const Currency currency = parse_currency_option("--currency", *options.currency);
            if (!options.price && currency.digits() != product.price.currency.digits())
                throw invalid_input(fmt::format("invalid --currency {}: give --price too, in {}",
                                                currency.code(), currency.code()));
            product.price.currency = currency;
        }
        if (options.price)
            product.price.minor =
                parse_amount_option("--price", *options.price, product.price.currency);
        product.updated_at = session.now();
        store.related().update_product(product);
        return product;
    });
    report(session, product, fmt::format("Updated product {}: {}", product.id, summary(product)));
}

void run_delete(const DeleteOptions& options, Session& session) {
    const Product product = session.read_store().related().product(options.product);
    session.confirm_delete(options.yes, fmt::format("product {}", in_quotes(product.name)),
                           fmt::format("Delete product {} '{}'?", product.id, product.name));
    session.write([&](Store& store) {
        const Product current = store.related().product(std::to_string(product.id));
        if (const auto lines = store.related().count_lines_of_product(current.id))
            throw conflict(fmt::format("product {} is on {}; remove them first",
                                       in_quotes(current.name),
                                       counted(lines, "opportunity line", "opportunity lines")));
        store.related().delete_product(current.id);
        return current.id;
    });
    report_deleted(session, "product", product.id, product.name);
}

// The command-line definitions.

void setup(Command& group) {
    {
        auto options = std::make_shared<AddOptions>();
        auto command = group.subcommand("add", "Add a product or service to the catalog");
        command.option("NAME", options->name, "Its name (unique, any case)").required();
        command.option("--price", options->price, "Unit price").type_name("AMOUNT").required();
        command.option("--kind", options->kind, "product (default) or service").type_name("KIND");
        command.option("--unit", options->unit, "What one is: seat, hour, licence")
            .type_name("TEXT");
        command.option("--currency", options->currency, "ISO 4217 (default: the data file's)")
            .type_name("CUR");
        command.on_run(options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command = group.subcommand("list", "List the catalog");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto command =
            group.subcommand("edit", "Change a product (existing lines keep their price)");
        command.option("PRODUCT", options->product, "Product id or name").required();
        command.option("--name", options->name, "New name").type_name("NAME");
        command.option("--price", options->price, "Unit price").type_name("AMOUNT");
        command.option("--kind", options->kind, "product or service").type_name("KIND");
        command.option("--unit", options->unit, "What one is").type_name("TEXT");
        command.option("--currency", options->currency, "ISO 4217").type_name("CUR");
        command.on_run(options, run_edit);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto command = group.subcommand("delete", "Delete a product no line uses");
        command.option("PRODUCT", options->product, "Product id or name").required();
        command.flag("-y,--yes", options->yes, "Do not ask for confirmation");
        command.on_run(options, run_delete);
    }
}

}  // namespace funnel::cli::product
