#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/org.hpp"
#include "field_values.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "records.hpp"

namespace funnel::cli::org {

void apply_org_fields(const OrgFields& fields, Organization& org) {
    if (fields.industry) org.industry = text_option("--industry", *fields.industry, TextKind::line);
    if (fields.website) org.website = text_option("--website", *fields.website, TextKind::line);
    if (fields.phone) org.phone = text_option("--phone", *fields.phone, TextKind::line);
    if (fields.notes) org.notes = text_option("--notes", *fields.notes, TextKind::multiline);
}

void refuse_duplicate(Store& store, const std::string& name, std::int64_t except_id) {
    if (auto existing = store.parties().find_organization(name);
        existing && existing->id != except_id && fold_name(existing->name) == fold_name(name))
        throw conflict(fmt::format("an organization named {} already exists (id {})",
                                   in_quotes(existing->name), existing->id));
}

void report(const Session& session, const Organization& org, const std::string& line) {
    if (session.quiet())
        session.out() << org.id << '\n';
    else if (session.machine_format())
        session.print(organization_record(org));
    else
        session.out() << line << '\n';
}

void run_add(const AddOptions& options, Session& session) {
    Organization org;
    org.name = text_option("NAME", options.name, TextKind::name);
    apply_org_fields(options.fields, org);
    org.tags = parse_tags("--tag", join(options.fields.tags, ","));
    org = session.write([&](Store& store) {
        refuse_duplicate(store, org.name, 0);
        Organization added = org;
        apply_field_settings(store, FieldRecord::org, added.fields, options.fields.sets, {},
                             session.today(), store.default_currency().digits());
        added.created_at = added.updated_at = session.now();
        added.id = store.parties().insert_organization(added);
        return added;
    });
    report(session, org, fmt::format("Created organization {}: {}", org.id, org.name));
}

void run_list(const ListOptions&, Session& session) {
    Store store = session.read_store();
    ListPrinter list(session, store.tags_in_use(FieldRecord::org)
                                  ? with_tags_shown(organization_columns())
                                  : organization_columns());
    store.parties().for_each_organization([&](const OrganizationSummary& summary) {
        list.add(summary.organization.id, [&] { return organization_row(summary); });
    });
    list.finish("no organizations");
}

void run_show(const ShowOptions& options, Session& session) {
    Store store = session.read_store();
    const Organization org = store.parties().organization(options.org);
    Record record = organization_record(org);
    OppQuery query;
    query.filter.states = StateFilter::all;
    query.filter.org_id = org.id;
    Table deals{opportunity_columns(), {}};
    store.deals().for_each(query, [&](const Opportunity& deal) {
        deals.rows.push_back(opportunity_row(deal, session.today()));
    });
    Table contacts{contact_columns(), {}};
    store.parties().for_each_contact(
        org.id, [&](const Contact& contact) { contacts.rows.push_back(contact_row(contact)); });
    record.sections.push_back({"opportunities", "Opportunities", std::move(deals)});
    record.sections.push_back({"contacts", "Contacts", std::move(contacts)});
    record.sections.push_back(
        {"totals", "Totals", totals_table(store.deals().totals(query.filter))});
    session.print(record);
}

void run_edit(const EditOptions& options, Session& session) {
    const OptText name =
        options.name ? OptText(text_option("--name", *options.name, TextKind::name)) : std::nullopt;
    const Organization org = session.write([&](Store& store) {
        Organization org = store.parties().organization(options.org);
        if (name) {
            refuse_duplicate(store, *name, org.id);
            org.name = *name;
        }
        apply_org_fields(options.fields, org);
        apply_field_settings(store, FieldRecord::org, org.fields, options.fields.sets,
                             options.fields.unsets, session.today(),
                             store.default_currency().digits());
        org.updated_at = session.now();
        store.parties().update_organization(org);
        return org;
    });
    report(session, org, fmt::format("Updated organization {}: {}", org.id, org.name));
}

void run_tag(const TagOptions& options, Session& session) {
    const auto [before, org] = retag(
        session, options.arguments, "organization",
        [](Store& store, const std::string& name) { return store.parties().organization(name); },
        [](Store& store, const Organization& record) {
            store.parties().update_organization(record);
        });
    const std::string change = before == org.tags ? "nothing changed " : "";
    report(session, org,
           fmt::format("Organization {}: {}{}", org.id, change, tag_change_text(before, org.tags)));
}

void run_delete(const DeleteOptions& options, Session& session) {
    const Organization org = session.read_store().parties().organization(options.org);
    session.confirm_delete(options.yes, fmt::format("organization {}", in_quotes(org.name)),
                           fmt::format("Delete organization {} '{}'?", org.id, org.name));
    session.write([&](Store& store) {
        const Organization current = store.parties().organization(std::to_string(org.id));
        auto parties = store.parties();
        refuse_while_used(
            fmt::format("organization {}", in_quotes(current.name)),
            {counted(parties.count_deals_of_organization(current.id), "opportunity",
                     "opportunities"),
             counted(parties.count_contacts_of_organization(current.id), "contact", "contacts"),
             counted(parties.count_activities_of_organization(current.id), "activity",
                     "activities")},
            "delete or move them first");
        parties.delete_organization(current.id);
        return current.id;
    });
    report_deleted(session, "organization", org.id, org.name);
}

// The command-line definitions.

namespace {

void add_org_options(Command& command, OrgFields& fields, bool adding) {
    command.option("--industry", fields.industry, "Industry").type_name("TEXT");
    command.option("--website", fields.website, "Website").type_name("URL");
    command.option("--phone", fields.phone, "Phone number").type_name("TEXT");
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
        auto command = group.subcommand("add", "Add an organization");
        command.option("NAME", options->name, "Its name (unique, any case)").required();
        add_org_options(command, options->fields, true);
        command.on_run(options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command = group.subcommand("list", "List organizations");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<ShowOptions>();
        auto command =
            group.subcommand("show", "Show an organization with its deals, contacts and totals");
        command.option("ORG", options->org, "Organization id or name").required();
        command.on_run(options, run_show);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto command = group.subcommand("edit", "Change an organization");
        command.option("ORG", options->org, "Organization id or name").required();
        command.option("--name", options->name, "New name").type_name("NAME");
        add_org_options(command, options->fields, false);
        command.on_run(options, run_edit);
    }
    {
        auto options = std::make_shared<TagOptions>();
        auto command = group.subcommand("tag", "Add and remove tags of an organization");
        add_tag_arguments(command, options->arguments, "The organization (id or name)");
        command.on_run(options, run_tag);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto command = group.subcommand("delete", "Delete an organization no deal or contact uses");
        command.option("ORG", options->org, "Organization id or name").required();
        command.flag("-y,--yes", options->yes, "Do not ask for confirmation");
        command.on_run(options, run_delete);
    }
}

}  // namespace funnel::cli::org
