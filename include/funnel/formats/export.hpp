// Deals written out for another program: every field of the contract and the external id,
// in stable columns, as csv, json or jsonl. Written as they are read, through one buffer,
// so that a million deals take seconds and little memory.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

class DealExporter {
  public:
    // Throws Error(invalid) for a format other than csv, json and jsonl. With
    // `spreadsheet_safe`, csv text cells that a spreadsheet would run as a formula are made
    // inert.
    // `custom` are the data file's custom fields of deals: csv gets a column field:NAME for
    // each, json and jsonl an object `fields`.
    DealExporter(std::ostream& out, Format format, bool spreadsheet_safe,
                 std::vector<CustomField> custom = {});
    DealExporter(const DealExporter&) = delete;
    DealExporter& operator=(const DealExporter&) = delete;

    void write(const DealColumns& deal);
    // Ends the document and flushes.
    void finish();

    // The columns, in order: the keys of opp list's machine formats, then external_id and tags
    // (then fields, or the field:NAME columns).
    static const std::vector<std::string>& columns();

  private:
    void text(std::string_view value, bool nullable);
    // Words joined with ';' (tags): as they are in csv, an array in json.
    void words(std::string_view joined);
    void number(std::int64_t value);
    void optional_number(const std::optional<std::int64_t>& value);
    void amount(std::int64_t minor, bool none = false);  // none: no amount yet
    void key(std::size_t column);
    void fields(const std::vector<FieldValue>& values);
    void flush();

    std::ostream& out_;
    Format format_;
    bool spreadsheet_safe_;
    std::vector<CustomField> custom_;
    std::string buffer_;
    std::int64_t rows_ = 0;
    // The currency of the deal being written, looked up once per change of currency.
    std::string currency_code_;
    Currency currency_;
};

}  // namespace funnel
