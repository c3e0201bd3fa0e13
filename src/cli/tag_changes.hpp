// The tag changes that opp tag, org tag and contact tag read: +TAG adds, -TAG removes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace funnel::cli {

// What a tag command is given: the records, then +TAG and -TAG; and --untag, which -TAG becomes
// on the command line.
struct TagArguments {
    std::vector<std::string> words;
    std::vector<std::string> removed;
};
// Defines the arguments of a tag command whose records are `records` ("Opportunities (ids,
// ranges 5-9 or names; or give --where)").
void add_tag_arguments(Command& command, TagArguments& arguments, std::string_view records);

struct TagChanges {
    std::vector<std::string> added, removed;

    // The tags after the changes: sorted, each once.
    std::vector<std::string> applied_to(std::vector<std::string> tags) const;
};

// Splits the words into the records they are for (kept in `records`, in order) and the
// changes: +TAG and -TAG, each perhaps several tags with commas (+hot,q4), and `removed` (what
// --untag gave). Error(invalid) when no change is given, for a bad tag, and for a tag both
// added and removed.
TagChanges read_tag_changes(const TagArguments& arguments, std::vector<std::string>& records);
// The same, for a command of one record: Error(invalid) unless one is given.
TagChanges read_tag_changes(const TagArguments& arguments, std::string& record,
                            std::string_view kind);

// "+hot -cold (tags: hot q4)": what changed between two sorted lists of tags, and the tags now;
// empty before the parenthesis when nothing changed.
std::string tag_change_text(const std::vector<std::string>& before,
                            const std::vector<std::string>& after);

}  // namespace funnel::cli
