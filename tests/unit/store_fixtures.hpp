// What the store's tests share: a day and a deal in a fresh file.
#pragma once

#include <chrono>
#include <string>

#include "funnel/store/store.hpp"

namespace funnel::testing {

using namespace std::chrono;

inline const Date today = year{2026} / November / 16;

inline Opportunity sample_deal(Store& store, const std::string& name, std::int64_t amount_minor,
                               const std::string& stage_name = "prospecting") {
    Organization org;
    org.name = name + " Inc";
    org.created_at = org.updated_at = "2026-11-16T09:00:00";
    Opportunity deal;
    deal.name = name;
    deal.org_id = store.parties().insert_organization(org);
    deal.amount = {amount_minor, Currency::parse("EUR")};
    deal.close_date = year{2026} / December / 31;
    deal.created_at = deal.updated_at = deal.stage_changed_at = "2026-11-16T09:00:00";
    const auto stages = store.stages().all();
    enter_first_stage(deal, resolve_stage(stages, stage_name), std::nullopt);
    deal.id = store.deals().insert(deal);
    return store.deals().get(deal.id);
}

}  // namespace funnel::testing
