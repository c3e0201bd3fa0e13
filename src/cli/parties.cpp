#include "parties.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/error.hpp"

namespace funnel::cli {

namespace {

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "no organization 'ScrptCo' (did you mean 'ScriptCo'?); add --create to create it"
Error unknown_party(std::string_view kind, const std::string& name,
                    const std::vector<std::string>& names) {
    const auto suggestion = closest_name(name, names);
    return not_found(
        fmt::format("no {} {}{}; add --create to create it", kind, in_quotes(name),
                    suggestion ? fmt::format(" (did you mean {}?)", in_quotes(*suggestion)) : ""));
}

}  // namespace

Organization organization_named(Store& store, const Session& session, const std::string& option,
                                const std::string& id_or_name, Missing missing) {
    const std::string name = text_option(option, id_or_name, TextKind::name);
    if (auto org = store.parties().find_organization(name)) return *org;
    if (all_digits(name)) throw not_found(fmt::format("no organization with id {}", name));
    if (missing == Missing::refuse) {
        std::vector<std::string> names;
        for (auto& [id, known] : store.parties().organization_names())
            names.push_back(std::move(known));
        throw unknown_party("organization", name, names);
    }
    Organization org;
    org.name = name;
    org.created_at = org.updated_at = session.now();
    org.id = store.parties().insert_organization(org);
    session.note(fmt::format("created organization {} (id {})", in_quotes(org.name), org.id));
    return org;
}

Contact contact_named(Store& store, const Session& session, const std::string& option,
                      const std::string& id_or_name, std::optional<std::int64_t> org_id,
                      Missing missing) {
    const std::string name = text_option(option, id_or_name, TextKind::name);
    auto found = store.parties().find_contacts(name);
    if (found.size() == 1) return found.front();
    if (found.size() > 1) return store.parties().contact(name);  // throws: ambiguous
    if (all_digits(name)) throw not_found(fmt::format("no contact with id {}", name));
    if (missing == Missing::refuse)
        throw unknown_party("contact", name, store.parties().contact_names());
    Contact contact;
    contact.name = name;
    contact.org_id = org_id;
    contact.created_at = contact.updated_at = session.now();
    contact.id = store.parties().insert_contact(contact);
    session.note(fmt::format("created contact {} (id {})", in_quotes(contact.name), contact.id));
    return contact;
}

}  // namespace funnel::cli
