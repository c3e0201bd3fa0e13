#include "tag_changes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel::cli {

std::vector<std::string> TagChanges::applied_to(std::vector<std::string> tags) const {
    for (const auto& tag : removed)
        std::erase(tags, tag);
    tags.insert(tags.end(), added.begin(), added.end());
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

void add_tag_arguments(Command& command, TagArguments& arguments, std::string_view records) {
    command.option("ARGS", arguments.words,
                   fmt::format("{}, then +TAG to add a tag and -TAG to remove one", records));
    command.repeatable("--untag", arguments.removed, "Remove this tag (what -TAG means)", "TAG");
    command.footer(
        "A tag is one word, kept in lower case: +hot adds it, -hot removes it, +a,b adds two. "
        "-q and -h are options: remove the tags q and h with --untag q.");
}

TagChanges read_tag_changes(const TagArguments& arguments, std::string& record,
                            std::string_view kind) {
    std::vector<std::string> records;
    auto changes = read_tag_changes(arguments, records);
    if (records.size() != 1)
        throw invalid_input(fmt::format("give one {} (its id or name), then +TAG and -TAG", kind));
    record = records.front();
    return changes;
}

TagChanges read_tag_changes(const TagArguments& arguments, std::vector<std::string>& records) {
    const auto& words = arguments.words;
    const auto& removed = arguments.removed;
    TagChanges changes;
    records.clear();
    const auto add_to = [](std::vector<std::string>& into, std::string_view text) {
        for (auto& tag : parse_tags("tag", text))
            into.push_back(std::move(tag));
    };
    for (const auto& word : words) {
        if (word.starts_with('+'))
            add_to(changes.added, std::string_view(word).substr(1));
        else if (word.starts_with('-'))
            add_to(changes.removed, std::string_view(word).substr(1));
        else
            records.push_back(word);
    }
    for (const auto& tag : removed)
        add_to(changes.removed, tag);
    if (changes.added.empty() && changes.removed.empty())
        throw invalid_input(
            "give the tags to change after the records: +TAG adds one, -TAG removes one "
            "(funnel opp tag 7 +hot -cold)");
    for (const auto& tag : changes.added)
        if (std::find(changes.removed.begin(), changes.removed.end(), tag) != changes.removed.end())
            throw invalid_input(fmt::format("tag {} is both added and removed", in_quotes(tag)));
    return changes;
}

std::string tag_change_text(const std::vector<std::string>& before,
                            const std::vector<std::string>& after) {
    std::vector<std::string> parts;
    for (const auto& tag : after)
        if (!std::binary_search(before.begin(), before.end(), tag)) parts.push_back("+" + tag);
    for (const auto& tag : before)
        if (!std::binary_search(after.begin(), after.end(), tag)) parts.push_back("-" + tag);
    const std::string now = after.empty() ? "none" : join(after, " ");
    return fmt::format("{}{}(tags: {})", join(parts, " "), parts.empty() ? "" : " ", now);
}

}  // namespace funnel::cli
