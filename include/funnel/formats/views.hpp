// Domain records as rows and records for the renderers: one definition of each field's key
// (the contract's JSON names), its header and who it is for.
#pragma once

#include <vector>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/date.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/party.hpp"
#include "funnel/domain/related.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/formats/table.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

std::vector<Column> opportunity_columns();
// The columns of opportunity_columns() that a --columns list names, in its order: their keys
// (close_date) or the names filters and sorting use (close, weighted, created). Throws
// Error(invalid) naming the unknown one, with the closest key. A custom field of `custom` is
// named by its name: its index is opportunity_columns().size() plus its index in `custom`.
std::vector<std::size_t> chosen_opportunity_columns(std::string_view list,
                                                    const std::vector<CustomField>& custom = {});
// A deal's value of a custom field as a cell: a number for numbers and amounts.
Cell custom_field_cell(const std::vector<FieldValue>& values, const CustomField& field);
// `today` marks overdue close dates.
Row opportunity_row(const Opportunity& deal, Date today);
Record opportunity_record(const Opportunity& deal, Date today);

std::vector<Column> stage_columns();
Row stage_row(const Stage& stage);

std::vector<Column> organization_columns();
// The columns, with the Tags column shown to people too (once the file has tags).
std::vector<Column> with_tags_shown(std::vector<Column> columns);
Row organization_row(const OrganizationSummary& summary);
Record organization_record(const Organization& org);

std::vector<Column> contact_columns();
Row contact_row(const Contact& contact);
Record contact_record(const Contact& contact);

std::vector<Column> history_columns();
Row history_row(const HistoryEntry& entry);

// The records around a deal, for opp show.
Table contact_links_table(const std::vector<ContactLink>& links);
Table quotes_table(const std::vector<Quote>& quotes);
Table documents_table(const std::vector<Document>& documents);  // checks each file
Table lines_table(const std::vector<Line>& lines);
std::vector<Column> activity_columns();
Row activity_row(const Activity& activity, Date today);
Record activity_record(const Activity& activity, Date today);
std::vector<Column> product_columns();
Row product_row(const Product& product, std::int64_t lines);

// Per currency: open count, pipeline, weighted, won count and amount, lost count.
Table totals_table(const std::vector<CurrencyTotals>& totals);

}  // namespace funnel
