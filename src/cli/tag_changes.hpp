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

// The tag command of one record (org tag, contact tag), in one write: `load(store, name)` reads
// the record, `save(store, record)` writes it back when its tags changed. Returns its tags
// before, and the record after.
template <typename Load, typename Save>
auto retag(const Session& session, const TagArguments& arguments, std::string_view kind, Load load,
           Save save) {
    std::string name;
    const TagChanges changes = read_tag_changes(arguments, name, kind);
    return session.write([&](Store& store) {
        auto record = load(store, name);
        const auto before = record.tags;
        record.tags = changes.applied_to(before);
        if (record.tags != before) {
            record.updated_at = session.now();
            save(store, record);
        }
        return std::pair{before, record};
    });
}

// "+hot -cold (tags: hot q4)": what changed between two sorted lists of tags, and the tags now;
// empty before the parenthesis when nothing changed.
std::string tag_change_text(const std::vector<std::string>& before,
                            const std::vector<std::string>& after);

}  // namespace funnel::cli
