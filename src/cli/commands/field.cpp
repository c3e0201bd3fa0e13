#include "commands/field.hpp"

#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "records.hpp"

namespace funnel::cli::field {

namespace {

std::string described(const CustomField& field) {
    return fmt::format("{} field {} ({}{})", to_string(field.record), field.name,
                       to_string(field.type),
                       field.choices.empty() ? "" : ": " + join(field.choices, ", "));
}

CustomField existing(Store& store, const std::string& on, const std::string& name) {
    const FieldRecord record = parse_field_record(on);
    const std::string wanted = ascii_lower(trim(name));
    if (auto field = store.fields().find(record, wanted)) return *field;
    std::vector<std::string> names;
    for (const auto& field : store.fields().all(record))
        names.push_back(field.name);
    const auto suggestion = closest_name(wanted, names);
    throw not_found(fmt::format("no {} field {}{}", to_string(record), in_quotes(name),
                                suggestion
                                    ? fmt::format(" (did you mean {}?)", in_quotes(*suggestion))
                                : names.empty() ? " (funnel field add makes one)"
                                                : ""));
}

std::vector<std::string> choices_of(const OptText& text) {
    std::vector<std::string> choices;
    if (!text) return choices;
    for (const auto& part : split(*text, ',')) {
        const std::string choice = checked_text("--choices", part, TextKind::line);
        if (choice.empty() || choice.find(';') != std::string::npos)
            throw invalid_input(
                fmt::format("invalid --choices {}: each choice is one line, not empty, without ';'",
                            in_quotes(*text)));
        for (const auto& other : choices)
            if (fold_name(other) == fold_name(choice))
                throw invalid_input(fmt::format("invalid --choices {}: {} is there twice",
                                                in_quotes(*text), in_quotes(choice)));
        choices.push_back(choice);
    }
    return choices;
}

}  // namespace

void run_add(const AddOptions& options, Session& session) {
    CustomField field;
    field.record = parse_field_record(options.on);
    field.name = normalize_field_name("NAME", options.name);
    field.type = parse_field_type(options.type);
    field.label =
        options.label ? text_option("--label", *options.label, TextKind::name) : field.name;
    field.choices = choices_of(options.choices);
    if (field.type == FieldType::choice && field.choices.empty())
        throw invalid_input("a choice field needs --choices A,B,C");
    if (field.type != FieldType::choice && !field.choices.empty())
        throw invalid_input("--choices goes with --type choice");
    field.id = session.write([&](Store& store) {
        if (store.fields().find(field.record, field.name))
            throw conflict(fmt::format("{} field {} exists already", to_string(field.record),
                                       in_quotes(field.name)));
        return store.fields().insert(field);
    });
    if (session.quiet())
        session.out() << field.id << '\n';
    else
        session.out() << fmt::format("Added {}\n", described(field));
}

void run_list(const ListOptions& options, Session& session) {
    std::optional<FieldRecord> record;
    if (options.on) record = parse_field_record(*options.on);
    Store store = session.read_store();
    Table table{{{"on", "On"},
                 {"name", "Name"},
                 {"label", "Label"},
                 {"type", "Type"},
                 {"choices", "Choices"},
                 {"uses", "Uses"}},
                {}};
    for (const auto& field : store.fields().all(record))
        table.rows.push_back({text_cell(std::string(to_string(field.record))),
                              text_cell(field.name), text_cell(field.label),
                              text_cell(std::string(to_string(field.type))),
                              words_cell(field.choices), integer_cell(store.fields().uses(field))});
    session.print(table);
}

void run_rename(const RenameOptions& options, Session& session) {
    const std::string new_name = normalize_field_name("NEW", options.new_name);
    const CustomField field = session.write([&](Store& store) {
        CustomField field = existing(store, options.on, options.name);
        if (new_name != field.name && store.fields().find(field.record, new_name))
            throw conflict(fmt::format("{} field {} exists already", to_string(field.record),
                                       in_quotes(new_name)));
        if (field.label == field.name) field.label = new_name;
        field.name = new_name;
        if (options.label) field.label = text_option("--label", *options.label, TextKind::name);
        store.fields().update(field);
        return field;
    });
    if (!session.quiet())
        session.out() << fmt::format("Renamed {} field {} to {}\n", to_string(field.record),
                                     ascii_lower(trim(options.name)), field.name);
}

void run_delete(const DeleteOptions& options, Session& session) {
    const CustomField field = session.write([&](Store& store) {
        const CustomField field = existing(store, options.on, options.name);
        const auto uses = store.fields().uses(field);
        if (uses > 0 && !options.force)
            throw conflict(
                fmt::format("{} field {} has a value on {}: --force deletes it with "
                            "them (funnel undo brings them back)",
                            to_string(field.record), in_quotes(field.name),
                            counted(uses, "record", "records")));
        store.fields().remove(field.id);
        return field;
    });
    if (!session.quiet()) session.out() << fmt::format("Deleted {}\n", described(field));
}

void setup(Command& group) {
    const char* on = "Of deals (opp, the default), organizations (org) or contacts (contact)";
    {
        auto options = std::make_shared<AddOptions>();
        auto command = group.subcommand("add", "Add a custom field");
        command.option("NAME", options->name, "Its name: lower-case letters, digits and _")
            .required();
        command.option("--on", options->on, on).type_name("opp|org|contact");
        command
            .option("--type", options->type, "text (the default), number, date, amount or choice")
            .type_name("TYPE");
        command.option("--choices", options->choices, "The values of a choice field: A,B,C")
            .type_name("LIST");
        command.option("--label", options->label, "What people read (default: the name)")
            .type_name("TEXT");
        command.on_run(options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command =
            group.subcommand("list", "List the custom fields, with how many records use each");
        command.option("--on", options->on, "Only those of opp, org or contact")
            .type_name("opp|org|contact");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<RenameOptions>();
        auto command = group.subcommand("rename", "Rename a custom field; its values stay");
        command.option("NAME", options->name, "The field").required();
        command.option("NEW", options->new_name, "Its new name").required();
        command.option("--on", options->on, on).type_name("opp|org|contact");
        command.option("--label", options->label, "A new label too").type_name("TEXT");
        command.on_run(options, run_rename);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto command = group.subcommand("delete", "Delete a custom field no record uses");
        command.option("NAME", options->name, "The field").required();
        command.option("--on", options->on, on).type_name("opp|org|contact");
        command.flag("--force", options->force, "Delete it with its values");
        command.on_run(options, run_delete);
    }
}

}  // namespace funnel::cli::field
