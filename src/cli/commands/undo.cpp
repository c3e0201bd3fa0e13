#include "commands/undo.hpp"

#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/error.hpp"
#include "records.hpp"

namespace funnel::cli::undo {

namespace {

std::string described(const ChangeSet& set) {
    return fmt::format("change set {} ({})", set.id, set.command);
}

std::string status_of(const ChangeSet& set) {
    if (set.undone_by) return fmt::format("undone by {}", *set.undone_by);
    if (set.undoes) return fmt::format("undid {}", *set.undoes);
    return {};
}

void list(const Options& options, Session& session) {
    const std::int64_t limit = parse_count_option("--limit", options.limit);
    Store store = session.read_store();
    Table table{{{"id", "Id"},
                 {"made_at", "When", Audience::everyone, Unit::timestamp},
                 {"command", "Command"},
                 {"status", "Status", Audience::people},
                 {"undoes", "Undoes", Audience::machines},
                 {"undone_by", "Undone by", Audience::machines}},
                {}};
    for (const auto& set : store.changes().recent(limit)) {
        const auto id_cell = [](const std::optional<std::int64_t>& id) {
            return id ? integer_cell(*id) : null_cell();
        };
        table.rows.push_back({integer_cell(set.id), text_cell(set.made_at), text_cell(set.command),
                              optional_text_cell(status_of(set)), id_cell(set.undoes),
                              id_cell(set.undone_by)});
    }
    session.print(table);
}

// The change set to undo, checked: the one named, or the last that may be undone.
ChangeSet chosen(Store& store, const std::optional<std::int64_t>& id) {
    auto changes = store.changes();
    if (!id) {
        if (auto last = changes.last_undoable()) return *last;
        throw not_found(
            fmt::format("nothing to undo in {}: no change set is left that is not undone "
                        "(funnel undo --list shows them)",
                        store.path().string()));
    }
    const auto set = changes.find(*id);
    if (!set)
        throw not_found(fmt::format(
            "no change set {}: funnel undo --list shows those the file keeps (the last {})", *id,
            kept_change_sets));
    if (set->undoes)
        throw invalid_input(
            fmt::format("{} is an undo itself: it cannot be undone", described(*set)));
    if (set->undone_by)
        throw conflict(fmt::format("{} was undone already, by change set {}", described(*set),
                                   *set->undone_by));
    const auto later = changes.conflicts(set->id);
    if (!later.empty()) {
        std::vector<std::string> names;
        for (const auto& other : later)
            names.push_back(described(other));
        throw conflict(
            fmt::format("cannot undo {}: {} changed the same records since; undo {} "
                        "first",
                        described(*set), join(names, ", "), later.size() == 1 ? "it" : "them"));
    }
    return *set;
}

std::string summary(const ChangeStore::Reverted& reverted) {
    std::vector<std::string> parts;
    if (reverted.removed)
        parts.push_back(counted(reverted.removed, "record", "records") + " removed");
    if (reverted.restored)
        parts.push_back(counted(reverted.restored, "record", "records") + " changed back");
    if (reverted.put_back)
        parts.push_back(counted(reverted.put_back, "record", "records") + " put back");
    return parts.empty() ? "history only" : join(parts, ", ");
}

}  // namespace

void run(const Options& options, Session& session) {
    if (options.list) return list(options, session);
    std::optional<std::int64_t> id;
    if (options.id) id = parse_id("change set", *options.id);
    {
        // A missing data file is reported as such, not created by the write.
        Store store = session.read_store();
        const ChangeSet set = chosen(store, id);
        if (options.dry_run) {
            session.out() << fmt::format("Dry run: would undo {}; nothing was written\n",
                                         described(set));
            return;
        }
    }
    const auto [set, reverted] = session.write([&](Store& store) {
        // Checked again in the transaction: another process may have written since.
        const ChangeSet set = chosen(store, id);
        return std::pair(set, store.changes().undo(set.id));
    });
    if (session.quiet()) return;
    if (session.machine_format()) {
        session.print(
            Record{{{"undone", "Undone"},
                    {"command", "Command"},
                    {"removed", "Removed"},
                    {"restored", "Changed back"},
                    {"put_back", "Put back"}},
                   {integer_cell(set.id), text_cell(set.command), integer_cell(reverted.removed),
                    integer_cell(reverted.restored), integer_cell(reverted.put_back)},
                   {}});
        return;
    }
    session.out() << fmt::format("Undid {}: {}\n", described(set), summary(reverted));
}

void setup(Command& funnel) {
    auto options = std::make_shared<Options>();
    auto command = funnel.subcommand(
        "undo", "Revert the last change (or change set ID); --list shows the recent ones");
    command.option("ID", options->id, "The change set to revert (default: the last one)")
        .type_name("ID");
    command.flag("--list", options->list, "List the recent change sets, newest first");
    command.option("--limit", options->limit, "How many --list shows (default 20)").type_name("N");
    command.flag("--dry-run", options->dry_run, "Say what would be undone; write nothing");
    command.footer(
        "Every command that writes is one change set. An undo is refused while a later change set "
        "changed the same records (undo that first). The file keeps the last 100 change sets.");
    command.on_run([options](Session& session) { run(*options, session); });
}

}  // namespace funnel::cli::undo
