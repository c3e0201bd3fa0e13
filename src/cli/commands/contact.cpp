#include <algorithm>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/contact.hpp"
#include "field_values.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "parties.hpp"
#include "records.hpp"

namespace funnel::cli::contact {

void check_contact_fields(const ContactFields& fields) {
    if (fields.email && !fields.email->empty())
        parse_option("--email", *fields.email, [](const std::string& text) {
            validate_email(text);
            return 0;
        });
    if (fields.phone) text_option("--phone", *fields.phone, TextKind::line);
    if (fields.title) text_option("--title", *fields.title, TextKind::line);
    if (fields.notes) text_option("--notes", *fields.notes, TextKind::multiline);
}

// Sets the given fields; an empty --org clears the organization.
void apply_contact_fields(const ContactFields& fields, Contact& contact, Store& store,
                          const Session& session, Missing missing) {
    if (fields.org) {
        if (fields.org->empty()) {
            contact.org_id.reset();
            contact.org.clear();
        } else {
            const auto org = organization_named(store, session, "--org", *fields.org, missing);
            contact.org_id = org.id;
            contact.org = org.name;
        }
    }
    if (fields.email) contact.email = text_option("--email", *fields.email, TextKind::line);
    if (fields.phone) contact.phone = text_option("--phone", *fields.phone, TextKind::line);
    if (fields.title) contact.title = text_option("--title", *fields.title, TextKind::line);
    if (fields.notes) contact.notes = text_option("--notes", *fields.notes, TextKind::multiline);
}

void report(const Session& session, const Contact& contact, const std::string& line) {
    if (session.quiet())
        session.out() << contact.id << '\n';
    else if (session.machine_format())
        session.print(contact_record(contact));
    else
        session.out() << line << '\n';
}

std::string describe(const Contact& contact) {
    return contact.org.empty() ? contact.name : fmt::format("{} ({})", contact.name, contact.org);
}

void run_add(const AddOptions& options, Session& session) {
    const std::string name = text_option("NAME", options.name, TextKind::name);
    check_contact_fields(options.fields);
    const auto tags = parse_tags("--tag", join(options.fields.tags, ","));
    const Contact contact = session.write([&](Store& store) {
        Contact contact;
        contact.name = name;
        apply_contact_fields(options.fields, contact, store, session, Missing::create);
        contact.tags = tags;
        apply_field_settings(store, FieldRecord::contact, contact.fields, options.fields.sets, {},
                             session.today(), store.default_currency().digits());
        contact.created_at = contact.updated_at = session.now();
        contact.id = store.parties().insert_contact(contact);
        return contact;
    });
    report(session, contact, fmt::format("Created contact {}: {}", contact.id, describe(contact)));
}

void run_list(const ListOptions& options, Session& session) {
    Store store = session.read_store();
    std::optional<std::int64_t> org_id;
    if (options.org) org_id = store.parties().organization(*options.org).id;
    ListPrinter list(session, store.tags_in_use(FieldRecord::contact)
                                  ? with_tags_shown(contact_columns())
                                  : contact_columns());
    store.parties().for_each_contact(org_id, [&](const Contact& contact) {
        list.add(contact.id, [&] { return contact_row(contact); });
    });
    list.finish("no contacts");
}

void run_show(const ShowOptions& options, Session& session) {
    Store store = session.read_store();
    const Contact contact = store.parties().contact(options.contact);
    Record record = contact_record(contact);
    OppQuery query;
    query.filter.states = StateFilter::all;
    query.filter.contact_id = contact.id;
    Table deals{opportunity_columns(), {}};
    store.deals().for_each(query, [&](const Opportunity& deal) {
        deals.rows.push_back(opportunity_row(deal, session.today()));
    });
    record.sections.push_back({"opportunities", "Opportunities", std::move(deals)});
    session.print(record);
}

void run_edit(const EditOptions& options, Session& session) {
    const OptText name =
        options.name ? OptText(text_option("--name", *options.name, TextKind::name)) : std::nullopt;
    check_contact_fields(options.fields);
    const Contact contact = session.write([&](Store& store) {
        Contact contact = store.parties().contact(options.contact);
        if (name) contact.name = *name;
        apply_contact_fields(options.fields, contact, store, session,
                             options.create ? Missing::create : Missing::refuse);
        apply_field_settings(store, FieldRecord::contact, contact.fields, options.fields.sets,
                             options.fields.unsets, session.today(),
                             store.default_currency().digits());
        contact.updated_at = session.now();
        store.parties().update_contact(contact);
        return contact;
    });
    report(session, contact, fmt::format("Updated contact {}: {}", contact.id, describe(contact)));
}

void run_tag(const TagOptions& options, Session& session) {
    const auto [before, contact] = retag(
        session, options.arguments, "contact",
        [](Store& store, const std::string& name) { return store.parties().contact(name); },
        [](Store& store, const Contact& record) { store.parties().update_contact(record); });
    const std::string change = before == contact.tags ? "nothing changed " : "";
    report(
        session, contact,
        fmt::format("Contact {}: {}{}", contact.id, change, tag_change_text(before, contact.tags)));
}

void run_delete(const DeleteOptions& options, Session& session) {
    const Contact contact = session.read_store().parties().contact(options.contact);
    session.confirm_delete(options.yes, fmt::format("contact {}", in_quotes(contact.name)),
                           fmt::format("Delete contact {} '{}'?", contact.id, contact.name));
    session.write([&](Store& store) {
        const Contact current = store.parties().contact(std::to_string(contact.id));
        auto parties = store.parties();
        // A deal's own contact is one of its linked contacts.
        const auto deals = std::max(parties.count_deals_of_contact(current.id),
                                    parties.count_links_of_contact(current.id));
        refuse_while_used(
            fmt::format("contact {}", in_quotes(current.name)),
            {counted(deals, "opportunity", "opportunities"),
             counted(parties.count_activities_of_contact(current.id), "activity", "activities")},
            "change them first");
        parties.delete_contact(current.id);
        return current.id;
    });
    report_deleted(session, "contact", contact.id, contact.name);
}

// The command-line definitions.

namespace {

// The fields of contact add (`adding`) and contact edit.
void add_contact_options(Command& command, ContactFields& fields, bool adding) {
    command
        .option("--org", fields.org,
                adding ? "Organization id or name (created if missing)"
                       : "Organization id or name (--create makes a new one)")
        .type_name("ORG");
    command.option("--email", fields.email, "Email address").type_name("ADDRESS");
    command.option("--phone", fields.phone, "Phone number").type_name("TEXT");
    command.option("--title", fields.title, "Job title").type_name("TEXT");
    command.option("--notes", fields.notes, "Free text").type_name("TEXT");
    if (adding)
        command.repeatable("--tag", fields.tags, "A tag (repeatable, or several with commas)",
                           "TAG");
    command.repeatable("--set", fields.sets, "A custom field's value (repeatable)", "NAME=VALUE");
    if (!adding)
        command.repeatable("--unset", fields.unsets, "Remove a custom field's value", "NAME");
}

}  // namespace

void setup(Command& group) {
    {
        auto options = std::make_shared<AddOptions>();
        auto command = group.subcommand("add", "Add a contact");
        command.option("NAME", options->name, "Full name").required();
        add_contact_options(command, options->fields, true);
        command.on_run(options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command = group.subcommand("list", "List contacts");
        command.option("--org", options->org, "Contacts of this organization").type_name("ORG");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<ShowOptions>();
        auto command = group.subcommand("show", "Show a contact with their deals");
        command.option("CONTACT", options->contact, "Contact id or name").required();
        command.on_run(options, run_show);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto command = group.subcommand("edit", "Change a contact");
        command.option("CONTACT", options->contact, "Contact id or name").required();
        command.option("--name", options->name, "New name").type_name("NAME");
        add_contact_options(command, options->fields, false);
        command.flag("--create", options->create, "Create the --org named when none has that name");
        command.on_run(options, run_edit);
    }
    {
        auto options = std::make_shared<TagOptions>();
        auto command = group.subcommand("tag", "Add and remove tags of a contact");
        add_tag_arguments(command, options->arguments, "The contact (id or name)");
        command.on_run(options, run_tag);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto command = group.subcommand("delete", "Delete a contact no deal uses");
        command.option("CONTACT", options->contact, "Contact id or name").required();
        command.flag("-y,--yes", options->yes, "Do not ask for confirmation");
        command.on_run(options, run_delete);
    }
}

}  // namespace funnel::cli::contact
