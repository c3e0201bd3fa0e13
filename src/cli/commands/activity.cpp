#include "commands/activity.hpp"

#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/opp.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"
#include "records.hpp"

namespace funnel::cli::activity {

namespace {

// A subject may run over several lines (a pasted email subject); it may not be blank.
std::string subject_of(const std::string& text) {
    std::string subject = text_option("--subject", text, TextKind::multiline);
    if (subject.empty()) throw invalid_input("invalid --subject '': must not be blank");
    return subject;
}

Due due_of(const std::string& text, const Session& session) {
    return parse_option("--due", text, [&](const std::string& value) {
        try {
            return parse_due(value, session.today());
        } catch (const Error& e) {
            throw invalid_input(std::string(e.what()) + "; a time may follow: 2026-11-20 14:30");
        }
    });
}

// Sets the given fields; --opp, --org and --contact name records that exist ("" clears them).
void apply(const Fields& fields, Activity& activity, Store& store, const Session& session) {
    if (fields.opp) {
        if (fields.opp->empty()) {
            activity.opp_id.reset();
        } else {
            const auto deal = store.deals().get(opp::deal_id(store, *fields.opp));
            activity.opp_id = deal.id;
            activity.opp = deal.name;
        }
    }
    if (fields.org) {
        if (fields.org->empty())
            activity.org_id.reset();
        else
            activity.org_id = store.parties().organization(*fields.org).id;
    }
    if (fields.contact) {
        if (fields.contact->empty())
            activity.contact_id.reset();
        else
            activity.contact_id = store.parties().contact(*fields.contact).id;
    }
    if (fields.type) activity.type = parse_option("--type", *fields.type, parse_activity_type);
    if (fields.subject) activity.subject = subject_of(*fields.subject);
    if (fields.due) {
        const Due due = due_of(*fields.due, session);
        activity.due_date = due.date;
        activity.due_minute = due.minute;
    }
    if (fields.duration) {
        if (fields.duration->empty())
            activity.duration_minutes.reset();
        else
            activity.duration_minutes =
                parse_option("--duration", *fields.duration, parse_duration);
    }
    if (fields.notes) activity.notes = text_option("--notes", *fields.notes, TextKind::multiline);
    if (fields.owner) activity.owner = text_option("--owner", *fields.owner, TextKind::line);
}

void report(const Session& session, const Activity& activity, const std::string& line) {
    if (session.quiet())
        session.out() << activity.id << '\n';
    else if (session.machine_format())
        session.print(activity_record(activity, session.today()));
    else
        session.out() << line << '\n';
}

std::string summary(const Activity& activity) {
    std::string text = fmt::format("{} {}, due {}", to_string(activity.type), activity.subject,
                                   format_date(activity.due_date));
    if (activity.due_minute) text += " " + format_minute(*activity.due_minute);
    if (activity.opp_id) text += fmt::format(" (deal {})", *activity.opp_id);
    return text;
}

}  // namespace

void check_fields(const Fields& fields, const Session& session, bool adding) {
    if (adding) {
        if (!fields.type)
            throw invalid_input("an activity needs --type (call, meeting, task or email)");
        if (!fields.subject) throw invalid_input("an activity needs --subject");
        if (!fields.due)
            throw invalid_input("an activity needs --due DATE (and a time, if it has one)");
    }
    if (fields.type) parse_option("--type", *fields.type, parse_activity_type);
    if (fields.subject) subject_of(*fields.subject);
    if (fields.due) due_of(*fields.due, session);
    if (fields.duration && !fields.duration->empty())
        parse_option("--duration", *fields.duration, parse_duration);
    if (fields.notes) text_option("--notes", *fields.notes, TextKind::multiline);
    if (fields.owner) text_option("--owner", *fields.owner, TextKind::line);
}

Activity add_activity(Store& store, const Session& session, const Fields& fields) {
    Activity activity;
    activity.owner = session.default_owner();
    apply(fields, activity, store, session);
    activity.created_at = activity.updated_at = session.now();
    activity.id = store.related().insert_activity(activity);
    if (activity.opp_id)
        store.deals().record_event(*activity.opp_id, activity.created_at,
                                   {"link", std::nullopt,
                                    fmt::format("activity {}: {} {}", activity.id,
                                                to_string(activity.type), activity.subject)},
                                   "");
    return store.related().activity(activity.id);
}

void run_add(const AddOptions& options, Session& session) {
    check_fields(options.fields, session, true);
    const Activity activity =
        session.write([&](Store& store) { return add_activity(store, session, options.fields); });
    report(session, activity, fmt::format("Added activity {}: {}", activity.id, summary(activity)));
}

void run_list(const ListOptions& options, Session& session) {
    const int states = options.upcoming + options.overdue + options.done + options.all;
    if (states > 1) throw invalid_input("give only one of --upcoming, --overdue, --done and --all");
    ActivityQuery query;
    query.state = options.done  ? ActivityQuery::State::done
                  : options.all ? ActivityQuery::State::all
                                : ActivityQuery::State::pending;
    if (options.upcoming) query.due_from = session.today();
    if (options.overdue) query.due_to = add_days(session.today(), -1);
    if (options.from) {
        const Date from = parse_date_option("--from", *options.from, session.today());
        query.due_from = query.due_from ? std::max(*query.due_from, from) : from;
    }
    if (options.to) {
        const Date to = parse_date_option("--to", *options.to, session.today());
        query.due_to = query.due_to ? std::min(*query.due_to, to) : to;
    }
    if (options.owner) query.owner = *options.owner;
    Store store = session.read_store();
    if (options.opp) query.opp_id = opp::deal_id(store, *options.opp);
    ListPrinter list(session, activity_columns());
    store.related().for_each_activity(query, [&](const Activity& activity) {
        list.add(activity.id, [&] { return activity_row(activity, session.today()); });
    });
    list.finish("no activities match");
}

void run_done(const DoneOptions& options, Session& session) {
    const auto id = parse_id("activity", options.id);
    const Date on =
        options.on ? parse_date_option("--on", *options.on, session.today()) : session.today();
    if (on > session.today())
        throw invalid_input(fmt::format("invalid --on {}: that is after today ({})",
                                        in_quotes(*options.on), format_date(session.today())));
    const auto [before, after] = session.write([&](Store& store) {
        const Activity before = store.related().activity(id);
        Activity after = before;
        if (!before.done_on) {
            after.done_on = on;
            after.updated_at = session.now();
            store.related().update_activity(after);
        }
        return std::pair{before, store.related().activity(id)};
    });
    report(session, after,
           before.done_on
               ? fmt::format("Activity {} was already done on {}", id, format_date(*before.done_on))
               : fmt::format("Done: activity {} ({}) on {}", id, after.subject, format_date(on)));
}

void run_edit(const EditOptions& options, Session& session) {
    const auto id = parse_id("activity", options.id);
    check_fields(options.fields, session, false);
    const Activity activity = session.write([&](Store& store) {
        Activity activity = store.related().activity(id);
        const auto before_opp = activity.opp_id;
        apply(options.fields, activity, store, session);
        activity.updated_at = session.now();
        store.related().update_activity(activity);
        if (before_opp != activity.opp_id) {
            const std::string what = fmt::format("activity {}: {} {}", activity.id,
                                                 to_string(activity.type), activity.subject);
            if (before_opp)
                store.deals().record_event(*before_opp, activity.updated_at,
                                           {"unlink", what, std::nullopt}, "");
            if (activity.opp_id)
                store.deals().record_event(*activity.opp_id, activity.updated_at,
                                           {"link", std::nullopt, what}, "");
        }
        return store.related().activity(id);
    });
    report(session, activity,
           fmt::format("Updated activity {}: {}", activity.id, summary(activity)));
}

void run_delete(const DeleteOptions& options, Session& session) {
    const auto id = parse_id("activity", options.id);
    const Activity activity = session.read_store().related().activity(id);
    session.confirm_delete(options.yes, fmt::format("activity {}", id),
                           fmt::format("Delete activity {} '{}'?", id, activity.subject));
    session.write([&](Store& store) {
        const Activity current = store.related().activity(id);
        store.related().delete_activity(id);
        if (current.opp_id)
            store.deals().record_event(
                *current.opp_id, session.now(),
                {"unlink",
                 fmt::format("activity {}: {} {}", id, to_string(current.type), current.subject),
                 std::nullopt},
                "deleted");
        return id;
    });
    report_deleted(session, "activity", id, activity.subject);
}

// The command-line definitions.

// The fields of an activity, for activity add and edit and opp link ID activity.
void add_fields(Command& command, Fields& fields, bool with_deal) {
    if (with_deal)
        command.option("--opp", fields.opp, "The deal it is about (id or name)").type_name("ID");
    command.option("--org", fields.org, "The organization it is with").type_name("ORG");
    command.option("--contact", fields.contact, "The contact it is with").type_name("CONTACT");
    command.option("--type", fields.type, "call, meeting, task or email").type_name("TYPE");
    command.option("--subject", fields.subject, "What it is about").type_name("TEXT");
    command.option("--due", fields.due, "When: a date, and a time if it has one (\"fri 14:30\")")
        .type_name("DATE[ HH:MM]");
    command.option("--duration", fields.duration, "How long: 30m, 1h, 1h30m").type_name("DURATION");
    command.option("--notes", fields.notes, "Free text").type_name("TEXT");
    command
        .option("--owner", fields.owner,
                "Who does it (default: $FUNNEL_USER, else the config's owner, else $USER)")
        .type_name("NAME");
}

void setup(Command& group) {
    {
        auto options = std::make_shared<AddOptions>();
        auto command = group.subcommand("add", "Add a call, meeting, task or email");
        add_fields(command, options->fields, true);
        command.on_run(options, run_add);
    }
    {
        auto options = std::make_shared<ListOptions>();
        auto command = group.subcommand("list", "List activities (pending ones by default)");
        command.flag("--upcoming", options->upcoming, "Pending, due today or later");
        command.flag("--overdue", options->overdue, "Pending, due before today");
        command.flag("--done", options->done, "Done ones");
        command.flag("--all", options->all, "All of them");
        command.option("--opp", options->opp, "Of this deal (id or name)").type_name("ID");
        command.option("--from", options->from, "Due on or after").type_name("DATE");
        command.option("--to", options->to, "Due on or before").type_name("DATE");
        command.option("--owner", options->owner, "Of this owner").type_name("NAME");
        command.on_run(options, run_list);
    }
    {
        auto options = std::make_shared<DoneOptions>();
        auto command = group.subcommand("done", "Mark an activity done");
        command.option("ID", options->id, "Activity id").required();
        command.option("--on", options->on, "When (default: today)").type_name("DATE");
        command.on_run(options, run_done);
    }
    {
        auto options = std::make_shared<EditOptions>();
        auto command = group.subcommand("edit", "Change an activity");
        command.option("ID", options->id, "Activity id").required();
        add_fields(command, options->fields, true);
        command.on_run(options, run_edit);
    }
    {
        auto options = std::make_shared<DeleteOptions>();
        auto command = group.subcommand("delete", "Delete an activity");
        command.option("ID", options->id, "Activity id").required();
        command.flag("-y,--yes", options->yes, "Do not ask for confirmation");
        command.on_run(options, run_delete);
    }
}

}  // namespace funnel::cli::activity
