// Many deals written in one go, for imports.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/history.hpp"
#include "funnel/domain/opportunity.hpp"

namespace funnel {

struct Connection;

class Store;

// Writes many deals in a transaction the caller holds, each statement prepared once: what an
// import of a million rows needs. Names are matched by fold_name, as everywhere.
class DealWriter {
  public:
    explicit DealWriter(Store& store);
    DealWriter(const DealWriter&) = delete;
    DealWriter& operator=(const DealWriter&) = delete;
    ~DealWriter();

    std::optional<std::int64_t> organization_named(const std::string& name);
    std::int64_t create_organization(const std::string& name, const Timestamp& now);
    // The contacts of that name: id and organization.
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> contacts_named(
        const std::string& name);
    std::int64_t create_contact(const std::string& name, std::optional<std::int64_t> org_id,
                                const Timestamp& now);
    bool organization_has_won_deal(std::int64_t org_id);
    std::optional<std::int64_t> deal_with_external_id(const std::string& key);
    // Every deal: id, name, organization and currency, in id order.
    void for_each_deal_identity(const std::function<void(std::int64_t id, std::string_view name,
                                                         std::optional<std::int64_t> org_id,
                                                         std::string_view currency)>& visit);

    // Inserts the deal as given, records its creation with the note and then the changes
    // given, and makes its contact the primary contact.
    std::int64_t insert(const Opportunity& deal, const std::string& note,
                        const std::vector<DatedChange>& changes);

    // For an import larger than the deals already in the file: the indexes of deals and
    // their history that the import does not read are dropped, and built again by
    // finish_bulk() in one pass each, which is several times faster than keeping them up to
    // date row by row. Both run inside the caller's transaction: a rollback restores them.
    void begin_bulk();
    void finish_bulk();
    std::int64_t deal_count();

  private:
    struct Statements;
    std::unique_ptr<Statements> statements_;
    Connection* connection_;
};

}  // namespace funnel
