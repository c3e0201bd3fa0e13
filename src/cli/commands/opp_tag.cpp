// opp tag: adds and removes tags of deals, several at once, in one transaction.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "commands/opp.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "tag_changes.hpp"

namespace funnel::cli::opp {

namespace {

std::string tag_line(const Opportunity& before, const Opportunity& after, bool dry_run) {
    if (before.tags == after.tags)
        return fmt::format("Opportunity {}: {} {}", after.id,
                           dry_run ? "would not change" : "nothing changed",
                           tag_change_text(before.tags, after.tags));
    return fmt::format("{} opportunity {}: {}", dry_run ? "Would tag" : "Tagged", after.id,
                       tag_change_text(before.tags, after.tags));
}

void run_tag(const TagOptions& options, Session& session) {
    Selection selection = options.selection;
    const TagChanges changes = read_tag_changes(options.arguments, selection.selectors);
    const auto changed =
        change_each(session, selection, "opp-edit", [&](Store& store, std::int64_t id) {
            const Opportunity before = store.deals().get(id);
            Opportunity after = before;
            after.tags = changes.applied_to(before.tags);
            store.deals().update(before, after, session.now(), "");
            return std::pair{before, store.deals().get(id)};
        });
    report_changes(session, selection, changed,
                   [&](const Opportunity& before, const Opportunity& after) {
                       return tag_line(before, after, selection.dry_run);
                   });
}

}  // namespace

void setup_tag(Command& opp) {
    auto options = std::make_shared<TagOptions>();
    auto command = opp.subcommand("tag", "Add and remove tags of opportunities: +TAG, -TAG");
    add_tag_arguments(command, options->arguments,
                      "Opportunities (ids, ranges 5-9 or names; or give --where)");
    add_selection_options(command, options->selection);
    command.on_run(options, run_tag);
}

}  // namespace funnel::cli::opp
