// opp tag: adds and removes tags of deals, several at once, in one transaction.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "commands/opp.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel::cli::opp {

namespace {

struct TagChanges {
    std::vector<std::string> added, removed;
};

// Splits the words into the deals (kept in `selectors`) and the changes: +TAG and -TAG, which
// may hold several tags with commas (+hot,q4).
TagChanges read_changes(std::vector<std::string> words, std::vector<std::string>& selectors) {
    TagChanges changes;
    selectors.clear();
    for (const auto& word : words) {
        auto& into = word.starts_with('+')   ? changes.added
                     : word.starts_with('-') ? changes.removed
                                             : selectors;
        if (&into == &selectors) {
            selectors.push_back(word);
            continue;
        }
        for (auto& tag : parse_tags("tag", word.substr(1)))
            into.push_back(std::move(tag));
    }
    if (changes.added.empty() && changes.removed.empty())
        throw invalid_input(
            "give the tags to change after the opportunities: +TAG adds one, -TAG removes one "
            "(funnel opp tag 7 +hot -cold)");
    for (const auto& tag : changes.added)
        if (std::find(changes.removed.begin(), changes.removed.end(), tag) != changes.removed.end())
            throw invalid_input(fmt::format("tag {} is both added and removed", in_quotes(tag)));
    return changes;
}

std::string tag_line(const Opportunity& before, const Opportunity& after, bool dry_run) {
    std::vector<std::string> parts;
    for (const auto& tag : after.tags)
        if (!std::binary_search(before.tags.begin(), before.tags.end(), tag))
            parts.push_back("+" + tag);
    for (const auto& tag : before.tags)
        if (!std::binary_search(after.tags.begin(), after.tags.end(), tag))
            parts.push_back("-" + tag);
    const std::string now = after.tags.empty() ? "none" : join(after.tags, " ");
    if (parts.empty())
        return fmt::format("Opportunity {}: {} (tags: {})", after.id,
                           dry_run ? "would not change" : "nothing changed", now);
    return fmt::format("{} opportunity {}: {} (tags: {})", dry_run ? "Would tag" : "Tagged",
                       after.id, join(parts, " "), now);
}

void run_tag(const TagOptions& options, Session& session) {
    Selection selection = options.selection;
    std::vector<std::string> words = options.selection.selectors;
    for (const auto& tag : options.removed)
        words.push_back("-" + tag);
    const TagChanges changes = read_changes(words, selection.selectors);
    const auto changed = change_each(session, selection, [&](Store& store, std::int64_t id) {
        const Opportunity before = store.deals().get(id);
        Opportunity after = before;
        for (const auto& tag : changes.removed)
            std::erase(after.tags, tag);
        after.tags.insert(after.tags.end(), changes.added.begin(), changes.added.end());
        std::sort(after.tags.begin(), after.tags.end());
        after.tags.erase(std::unique(after.tags.begin(), after.tags.end()), after.tags.end());
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
    command.option("ARGS", options->selection.selectors,
                   "Opportunities (ids, ranges 5-9 or names; or give --where), then +TAG to add a "
                   "tag and -TAG to remove one");
    command.repeatable("--untag", options->removed, "Remove this tag (what -TAG means)", "TAG");
    add_selection_options(command, options->selection);
    command.footer(
        "A tag is one word, kept in lower case: funnel opp tag 7 9-12 +hot -cold. -q and -h are "
        "options: remove the tags q and h with --untag q.");
    command.on_run(options, run_tag);
}

}  // namespace funnel::cli::opp
