#include "funnel/formats/export.hpp"

#include <algorithm>
#include <charconv>
#include <ostream>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"

namespace funnel {

namespace {
constexpr std::size_t flush_at = 1 << 16;
}

const std::vector<std::string>& DealExporter::columns() {
    static const std::vector<std::string> names = {
        "id",         "name",       "org",        "org_id",      "contact",     "contact_id",
        "amount",     "currency",   "close_date", "stage",       "probability", "weighted_amount",
        "category",   "type",       "next_step",  "description", "owner",       "source",
        "created_at", "updated_at", "closed_at",  "lost_reason", "external_id", "tags"};
    return names;
}

DealExporter::DealExporter(std::ostream& out, Format format, bool spreadsheet_safe,
                           std::vector<CustomField> custom)
    : out_(out), format_(format), spreadsheet_safe_(spreadsheet_safe), custom_(std::move(custom)) {
    if (format != Format::csv && format != Format::json && format != Format::jsonl)
        throw invalid_input(fmt::format("invalid --format {}: export writes csv, json or jsonl",
                                        in_quotes(to_string(format))));
    buffer_.reserve(flush_at + 4096);
    if (format_ == Format::csv) {
        const auto& names = columns();
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (i) buffer_ += ',';
            buffer_ += names[i];
        }
        for (const auto& field : custom_)
            buffer_ += ",field:" + field.name;
        buffer_ += '\n';
    }
}

void DealExporter::key(std::size_t column) {
    if (format_ == Format::csv) {
        if (column) buffer_ += ',';
        return;
    }
    if (column) buffer_ += format_ == Format::json ? ", " : ",";
    buffer_ += '"';
    buffer_ += columns()[column];
    buffer_ += format_ == Format::json ? "\": " : "\":";
}

void DealExporter::text(std::string_view value, bool nullable) {
    if (format_ == Format::csv) {
        if (spreadsheet_safe_)
            append_csv_field(buffer_, spreadsheet_safe(value));
        else
            append_csv_field(buffer_, value);
        return;
    }
    if (value.empty() && nullable) {
        buffer_ += "null";
        return;
    }
    // Most text needs no escaping: it goes in as it is.
    const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\';
    });
    if (!plain) {
        buffer_ += json_string(value);
        return;
    }
    buffer_ += '"';
    buffer_.append(value);
    buffer_ += '"';
}

void DealExporter::words(std::string_view joined) {
    if (format_ == Format::csv) return text(joined, true);
    buffer_ += '[';
    if (!joined.empty()) {
        const auto items = split(joined, ';');
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) buffer_ += format_ == Format::json ? ", " : ",";
            buffer_ += json_string(items[i]);
        }
    }
    buffer_ += ']';
}

void DealExporter::fields(const std::vector<FieldValue>& values) {
    if (format_ == Format::csv) {
        for (const auto& field : custom_) {
            buffer_ += ',';
            for (const auto& value : values)
                if (value.name == field.name) text(value.value, true);
        }
        return;
    }
    buffer_ += format_ == Format::json ? ", \"fields\": {" : ",\"fields\":{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) buffer_ += format_ == Format::json ? ", " : ",";
        buffer_ += json_string(values[i].name);
        buffer_ += format_ == Format::json ? ": " : ":";
        if (is_numeric(values[i].type))
            buffer_ += values[i].value;
        else
            text(values[i].value, false);
    }
    buffer_ += '}';
}

void DealExporter::number(std::int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    buffer_.append(digits, end);
}

void DealExporter::optional_number(const std::optional<std::int64_t>& value) {
    if (value)
        number(*value);
    else if (format_ != Format::csv)
        buffer_ += "null";
}

void DealExporter::amount(std::int64_t minor, bool none) {
    if (none) {  // no amount yet: empty in CSV, null in JSON
        if (format_ != Format::csv) buffer_ += "null";
        return;
    }
    append_plain_number(buffer_, minor, currency_.digits());
}

void DealExporter::write(const DealColumns& deal) {
    if (deal.currency != currency_code_) {
        currency_code_ = deal.currency;
        if (auto currency = Currency::find(deal.currency)) currency_ = *currency;
    }
    if (format_ == Format::json) buffer_ += rows_ ? ",\n  {" : "[\n  {";
    if (format_ == Format::jsonl) buffer_ += '{';
    std::size_t c = 0;
    key(c++), number(deal.id);
    key(c++), text(deal.name, false);
    key(c++), text(deal.org, true);
    key(c++), optional_number(deal.org_id);
    key(c++), text(deal.contact, true);
    key(c++), optional_number(deal.contact_id);
    key(c++), amount(deal.amount, deal.no_amount);
    key(c++), text(deal.currency, false);
    key(c++), text(deal.close_date, false);
    key(c++), text(deal.stage, false);
    key(c++), number(deal.probability);
    key(c++), amount(weighted_minor(deal.amount, deal.probability), deal.no_amount);
    key(c++), text(deal.category, false);
    key(c++), text(deal.type, false);
    key(c++), text(deal.next_step, true);
    key(c++), text(deal.description, true);
    key(c++), text(deal.owner, true);
    key(c++), text(deal.source, true);
    key(c++), text(deal.created_at, false);
    key(c++), text(deal.updated_at, false);
    key(c++), text(deal.closed_at, true);
    key(c++), text(deal.lost_reason, true);
    key(c++), text(deal.external_id, true);
    key(c++), words(deal.tags);
    fields(deal.fields);
    if (format_ == Format::json) buffer_ += '}';
    if (format_ == Format::jsonl) buffer_ += "}\n";
    if (format_ == Format::csv) buffer_ += '\n';
    ++rows_;
    if (buffer_.size() >= flush_at) flush();
}

void DealExporter::finish() {
    if (format_ == Format::json) buffer_ += rows_ ? "\n]\n" : "[]\n";
    flush();
    out_.flush();
}

void DealExporter::flush() {
    out_.write(buffer_.data(), std::streamsize(buffer_.size()));
    buffer_.clear();
}

}  // namespace funnel
