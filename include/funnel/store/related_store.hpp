// The records around a deal: its contacts and their roles, quotes, documents, product lines
// (and the catalog of products they refer to), and activities.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/related.hpp"

namespace funnel {

struct Connection;

// Which activities a list shows.
struct ActivityQuery {
    enum class State { pending, done, all } state = State::pending;
    std::optional<std::int64_t> opp_id;
    std::optional<Date> due_from;  // inclusive
    std::optional<Date> due_to;    // inclusive
    std::optional<std::string> owner;
};

class RelatedStore {
  public:
    explicit RelatedStore(Connection& connection) : connection_(&connection) {}

    std::vector<ContactLink> contact_links(std::int64_t opp_id);
    // Links the contact, or updates its role; with `primary`, the flag moves to it.
    std::int64_t link_contact(std::int64_t opp_id, std::int64_t contact_id, const std::string& role,
                              bool primary, const Timestamp& now);
    // Makes the contact primary (linking it when it is not) or, with none, no contact primary.
    void set_primary_contact(std::int64_t opp_id, std::optional<std::int64_t> contact_id,
                             const Timestamp& now);
    // The rows of a link kind that belong to a deal ("contact", "quote", "document", "line",
    // "activity"): what unlink may remove, and a description for the history.
    std::optional<std::string> describe_link(std::string_view kind, std::int64_t opp_id,
                                             std::int64_t link_id);
    void unlink(std::string_view kind, std::int64_t link_id);

    std::vector<Quote> quotes(std::int64_t opp_id);
    std::optional<Quote> find_quote(std::int64_t opp_id, std::string_view number);
    std::int64_t insert_quote(const Quote& quote);
    void update_quote(const Quote& quote);

    std::vector<Document> documents(std::int64_t opp_id);
    std::int64_t insert_document(const Document& document);

    void for_each_product(const std::function<void(const Product&, std::int64_t lines)>& visit);
    std::optional<Product> find_product(std::string_view id_or_name);
    Product product(std::string_view id_or_name);  // throws Error(not_found)
    std::int64_t insert_product(const Product& product);
    void update_product(const Product& product);
    void delete_product(std::int64_t id);
    std::int64_t count_lines_of_product(std::int64_t id);

    std::vector<Line> lines(std::int64_t opp_id);
    std::int64_t insert_line(const Line& line);
    // The sum of a deal's line totals, when it has lines.
    std::optional<std::int64_t> lines_total(std::int64_t opp_id);

    std::int64_t insert_activity(const Activity& activity);
    void update_activity(const Activity& activity);
    void delete_activity(std::int64_t id);
    std::optional<Activity> find_activity(std::int64_t id);
    Activity activity(std::int64_t id);  // throws Error(not_found)
    void for_each_activity(const ActivityQuery& query,
                           const std::function<void(const Activity&)>& visit);

  private:
    Connection* connection_;
};

}  // namespace funnel
