// The parties deals are with: organizations and contacts, and what refers to them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "funnel/domain/party.hpp"

namespace funnel {

struct Connection;

struct OrganizationSummary {
    Organization organization;
    std::int64_t open_deals = 0;
    std::int64_t contacts = 0;
};

class PartyStore {
  public:
    explicit PartyStore(Connection& connection) : connection_(&connection) {}

    // An organization by id or exact name (any case).
    std::optional<Organization> find_organization(std::string_view id_or_name);
    // Like find_organization, but throws Error(not_found).
    Organization organization(std::string_view id_or_name);
    std::int64_t insert_organization(const Organization& organization);
    void update_organization(const Organization& organization);
    void delete_organization(std::int64_t id);
    void for_each_organization(const std::function<void(const OrganizationSummary&)>& visit);
    // Every organization's id and name, for reports that group by organization.
    std::vector<std::pair<std::int64_t, std::string>> organization_names();
    bool organization_has_won_deal(std::int64_t id);
    std::int64_t count_deals_of_organization(std::int64_t id);
    std::int64_t count_contacts_of_organization(std::int64_t id);
    std::int64_t count_activities_of_organization(std::int64_t id);

    // Contacts by id or exact name (any case); a name may match several.
    std::vector<Contact> find_contacts(std::string_view id_or_name);
    // Exactly one contact, or Error(not_found) or Error(conflict) for an ambiguous name.
    Contact contact(std::string_view id_or_name);
    std::int64_t insert_contact(const Contact& contact);
    void update_contact(const Contact& contact);
    void delete_contact(std::int64_t id);
    void for_each_contact(std::optional<std::int64_t> org_id,
                          const std::function<void(const Contact&)>& visit);
    // Every contact's name, for suggestions when a name matches none.
    std::vector<std::string> contact_names();
    std::int64_t count_deals_of_contact(std::int64_t id);
    std::int64_t count_links_of_contact(std::int64_t contact_id);  // to deals
    std::int64_t count_activities_of_contact(std::int64_t id);

  private:
    // A record's custom field values as stored (sql::field_values_of).
    std::string stored_fields(FieldRecord record, std::int64_t id);
    Connection* connection_;
};

}  // namespace funnel
