// Importing deals from another CRM's CSV export: which column fills which field, and how a
// row's cells become a deal. Nothing here touches the data file; the store writes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/date.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/store/store.hpp"
#include "funnel/system/timezone.hpp"

namespace funnel {

// The deal fields a column can fill; `ignore` reads nothing from it.
enum class ImportField {
    name,
    org,
    contact,
    amount,
    currency,
    close_date,
    stage,
    probability,
    type,
    next_step,
    description,
    owner,
    source,
    created_at,
    updated_at,
    closed_at,
    lost_reason,
    external_id,
    category,
    tags,
    custom,  // a custom field: field:NAME (ColumnPlan::custom names it)
    ignore,
};
std::string_view to_string(ImportField field);
// Throws Error(invalid) listing the field names.
ImportField parse_import_field(std::string_view text);

// The column headers and stage names of the CRMs whose exports funnel reads without help.
enum class Preset { generic, vtiger, salesforce };
Preset parse_preset(std::string_view text);  // throws Error(invalid)
std::string_view to_string(Preset preset);

// The preset an export is read with when none is given: the one that knows columns of the
// header that no other preset knows (its telling columns); generic when none does. Throws
// Error(invalid) when two presets have telling columns, naming them.
struct PresetChoice {
    Preset preset = Preset::generic;
    std::vector<std::string> telling;
};
PresetChoice recognise_preset(const std::vector<std::string>& header);

enum class OnDuplicate { skip, update, error };
OnDuplicate parse_on_duplicate(std::string_view text);  // throws Error(invalid)

// "COLUMN=VALUE", split at the first '='; throws Error(invalid) without one.
std::pair<std::string, std::string> split_assignment(std::string_view text);

// Everything the command line says about reading a file.
struct ImportSettings {
    Preset preset = Preset::generic;
    std::vector<std::pair<std::string, ImportField>> maps;       // --map COLUMN=FIELD
    std::vector<std::pair<std::string, std::string>> stage_map;  // --stage-map FOREIGN=STAGE
    std::string date_format;                                     // empty: YYYY-MM-DD
    std::optional<Currency> currency;
    std::optional<std::string> key;  // --key COLUMN
    OnDuplicate on_duplicate = OnDuplicate::skip;
    std::vector<std::pair<ImportField, std::string>> defaults;  // --default FIELD=VALUE
    // --strict: columns the preset does not know, and rows that need a repair (a closed row
    // whose probability disagrees with its stage, an amount with more decimals than its
    // currency), are errors, not left out or repaired.
    bool strict = false;
    // --lookup COLUMN=FILE: the column's values replaced by names, id → name.
    std::map<std::string, std::unordered_map<std::string, std::string>> lookups;
    // The data file's custom fields of deals, which columns named field:NAME and --map
    // 'COLUMN=field:NAME' fill.
    std::vector<CustomField> custom_fields;
    std::vector<std::pair<std::string, std::string>> custom_maps;  // --map COLUMN=field:NAME
};

// Which column fills which field: the header read against the preset and --map.
struct ColumnPlan {
    std::vector<std::string> header;
    std::vector<ImportField> fields;  // one per column
    std::optional<std::size_t> key;   // the column of --key
    // Per column, the lookup that turns its ids into names, if any.
    std::vector<const std::unordered_map<std::string, std::string>*> lookups;
    // Columns that the preset does not know and nothing maps: left out (refused with --strict).
    std::vector<std::string> unknown;
    // Per column, the custom field it fills (for ImportField::custom), else nothing.
    std::vector<const CustomField*> custom;

    std::optional<std::size_t> column_of(ImportField field) const;
};

// Reads the header. Throws Error(invalid) for a header that names no usable file: unknown
// columns with --strict (listed, with how to map or ignore them), a field filled by two
// columns, a --map or --key column that is not in the file, or a column of ids without its
// --lookup. Without --strict, unknown columns are left out and listed in `unknown`.
ColumnPlan plan_columns(const std::vector<std::string>& header, const ImportSettings& settings);

// A stage of a preset's exports and the default stage of funnel's that takes its deals.
struct PresetStage {
    std::string_view foreign;  // as the CRM writes it
    std::string_view ours;     // a default stage's name
    // A stage of the CRM's own that funnel's defaults lack: its deals are folded into `ours`
    // unless the file has a stage of its name or label (see create_preset_stages).
    bool folded = false;
    int probability = 0;  // of the stage --create-stages makes for it
};

// The stages of a preset's exports (Vtiger's and Salesforce's defaults), onto funnel's default
// stages; none for the generic preset.
std::span<const PresetStage> preset_stage_map(Preset preset);

// --create-stages: the preset's stages that funnel's defaults fold away (Vtiger's
// Qualification ...) and that the data file has no stage named or labelled as, made before an
// import: each after the stage it would fold into, in the CRM's order, with its probability
// and that stage's forecast category. Returns them.
std::vector<Stage> create_preset_stages(Store& store, Preset preset);
// After the import: those of `created` that no deal took are removed again. Returns the rest.
std::vector<Stage> remove_unused_stages(Store& store, const std::vector<Stage>& created);

// A date in a file: by a strftime-like format of %Y, %y (2000-2068 and 1969-1999), %m, %d, %b
// (Jan..Dec) and literal characters, numbers with or without leading zeros; with no format,
// YYYY-MM-DD. A time after the date (after a space or 'T') is allowed and ignored. Throws
// Error(invalid) saying what was expected.
Date parse_date_in_format(std::string_view text, std::string_view format);
// Checks a --date-format; throws Error(invalid).
void validate_date_format(std::string_view format);

// The format of a file's dates when --date-format is not given, from the dates themselves:
// YYYY-MM-DD needs none; numeric dates with the day or the month first (15/12/2026,
// 12.15.26) are told apart by the first whose day is above 12. The first date decides which
// kind the file writes.
class DateFormatGuess {
  public:
    // One date cell of the file (a time after it is allowed).
    void see(std::string_view cell);
    // The format, once a date has decided it.
    const std::optional<std::string>& format() const { return format_; }
    // A date that needs a format but could be either, when none has decided it.
    const std::string& undecided() const { return undecided_; }
    // Whether more dates can change nothing: a format decided, or the file's first date in
    // YYYY-MM-DD (its dates need no format, and any other is an error of its row).
    bool settled() const { return format_ || iso_; }

  private:
    std::optional<std::string> format_;
    std::string undecided_;
    bool iso_ = false;
};

// An amount as spreadsheets and CRMs write it: "12000.50", "12,000.50", "12.000,50",
// "$ 1,200", "1 200,5 €". Never negative. Throws Error(invalid).
// An amount with more decimals than `digits` is rounded half to even, and `rounded` (when
// given) says so; without it such an amount is refused.
std::int64_t parse_amount_cell(std::string_view text, int digits, bool* rounded = nullptr);
// "50", "50%", "50.0", "12.5" (rounded half up); 0 to 100. Throws Error(invalid).
int parse_probability_cell(std::string_view text);
// "new", "New Business", "New Customer"; "existing", "Existing Business", "Existing Customer
// - Upgrade". Throws Error(invalid).
DealType parse_deal_type_cell(std::string_view text);
// A forecast category as CRMs write it: Pipeline, Best Case, Commit, Omitted, Closed.
ForecastCategory parse_category_cell(std::string_view text);

// Rows that a CRM's report export adds after the data: a Total or Grand Total row, Salesforce's
// copyright, confidentiality and "Generated By" lines, and, once such a footer has begun, any
// row with a single cell of text (the organization's name).
bool is_footer_row(const std::vector<std::string>& cells, bool footer_begun);

// A deal as a row describes it, before organizations and contacts are matched.
struct ImportedDeal {
    std::string name;
    std::string org;
    std::string contact;
    std::optional<Money> amount;  // nothing when the row leaves it blank
    bool amount_rounded = false;  // it had more decimals than its currency
    Currency currency;
    std::optional<Date> close_date;
    const Stage* stage = nullptr;  // nothing when the row leaves it blank
    std::string folded_from;       // the CRM's stage that the preset folded into `stage`
    std::optional<int> probability;
    // A closed row whose probability was not its stage's (0 or 100), which it now is.
    bool probability_repaired = false;
    std::optional<DealType> type;
    std::optional<std::string> next_step, description, owner, source, lost_reason;
    // The deal's own forecast category; closed (Salesforce's for a closed deal) means none.
    std::optional<ForecastCategory> category;
    std::optional<Timestamp> created_at;
    std::optional<Timestamp> updated_at;
    std::optional<Date> closed_at;
    std::string external_id;
    std::optional<std::vector<std::string>> tags;  // parse_tags; nothing when no column has them
    // Custom fields: the values of the row's non-blank cells, and the names of every custom
    // column (a blank cell removes a value on update).
    std::vector<FieldValue> fields;
    std::vector<std::string> fields_given;
};

// One thing wrong with a row.
struct CellError {
    std::int64_t row = 0;
    std::string column;  // empty for the row as a whole
    std::string value;
    std::string message;
};

// A stage of the data file by the name another CRM's file gives it: --stage-map first, then the
// stages' own names and labels, then the preset's names, case-folded.
class StageMatcher {
  public:
    // Throws Error(invalid) for a --stage-map to a stage that does not exist.
    StageMatcher(std::vector<Stage> stages, Preset preset,
                 const std::vector<std::pair<std::string, std::string>>& stage_map);
    StageMatcher(const StageMatcher&) = delete;  // what find() returns points into it
    StageMatcher& operator=(const StageMatcher&) = delete;

    const Stage* find(std::string_view text) const;
    // Whether find(text) folds one of the CRM's own stages into a default one of funnel's.
    bool folds(std::string_view text) const;
    // "no such stage; map it with --stage-map ..." for a name find() does not know.
    std::string unknown(const std::string& text) const;
    const std::vector<Stage>& stages() const { return stages_; }

  private:
    const Stage* own_stage(std::string_view text) const;  // by its name or label
    std::vector<Stage> stages_;
    std::unordered_map<std::string, const Stage*> map_;  // lower-case foreign name
    std::set<std::string> folded_;                       // lower-case foreign names
};

// Turns rows into deals by a plan; collects every problem of a row rather than the first.
class RowConverter {
  public:
    // Throws Error(invalid) for a bad --stage-map or --default. With a zone, the file's times
    // (of creation and last change) are UTC, and become the zone's local times.
    RowConverter(const ColumnPlan& plan, const ImportSettings& settings, std::vector<Stage> stages,
                 Currency default_currency, Date today, const ZoneClock* zone = nullptr);

    // The deal a row describes, or nothing with its problems added to `errors`.
    std::optional<ImportedDeal> convert(std::int64_t row, const std::vector<std::string>& cells,
                                        std::vector<CellError>& errors) const;

    const std::vector<Stage>& stages() const { return stages_.stages(); }

  private:
    void read_custom_fields(std::int64_t row, const std::vector<std::string>& cells,
                            ImportedDeal& deal, std::vector<CellError>& errors) const;
    const ColumnPlan& plan_;
    StageMatcher stages_;
    Currency default_currency_;
    std::string date_format_;
    std::map<ImportField, std::string> defaults_;  // as cells, checked
    Date today_;
    const ZoneClock* zone_;
    bool strict_;
};

struct ImportCounts {
    std::int64_t rows = 0;
    std::int64_t created = 0;
    std::int64_t updated = 0;
    std::int64_t skipped = 0;  // duplicates skipped, and updates that changed nothing
    std::int64_t organizations = 0;
    std::int64_t contacts = 0;
    // Closed deals whose file said they were created after they closed: taken as created on
    // the day they closed.
    std::int64_t created_on_close = 0;
    bool matched_by_name = false;  // no key: rows were matched by organization, name and currency
    std::int64_t probabilities_repaired = 0;  // closed rows given their stage's probability
    std::int64_t amounts_rounded = 0;         // to their currency's decimals, half to even
    // The CRM's stages folded into one of funnel's: its name as the file writes it, the stage
    // and the deals.
    struct Fold {
        std::string stage;
        std::int64_t deals = 0;
    };
    std::map<std::string, Fold> folded;
    // What the file says, per currency, of the rows imported (created, updated or skipped):
    // to compare with the other system's list view. Minor units; none past what 64 bits hold.
    struct Totals {
        std::int64_t deals = 0;
        std::int64_t no_amount = 0;  // of them, with no amount yet (a blank cell)
        std::optional<std::int64_t> open = 0;
        std::optional<std::int64_t> won = 0;
        std::optional<std::int64_t> lost = 0;
    };
    std::map<std::string, Totals> totals;
};

// What importing a row did, or would do.
struct ImportAction {
    enum class Kind { create, update, skip } kind = Kind::create;
    std::int64_t row = 0;
    std::int64_t id = 0;
    std::string name;
    std::vector<std::string> changed;  // the fields an update changed
};
std::string_view to_string(ImportAction::Kind kind);

// Imports rows, one after another, in a transaction the caller holds and commits only when no
// row had an error. Organizations and contacts are matched by name or created; a deal whose
// external id is known already is skipped, updated or refused, as settings say.
class DealImport {
  public:
    // `note` goes with each created deal's creation in its history ("imported from FILE").
    DealImport(Store& store, const ColumnPlan& plan, const RowConverter& converter,
               const ImportSettings& settings, Timestamp now, std::string note);

    // Imports one row. Problems go to `errors` and the row is left out; later rows are still
    // checked (and written, for an accurate check of the rows after them).
    std::optional<ImportAction> add(std::int64_t row, const std::vector<std::string>& cells,
                                    std::vector<CellError>& errors);

    const ImportCounts& counts() const { return counts_; }

    // For an import of about `rows` rows: when that is more than the file holds already,
    // indexes are built once at the end rather than row by row (see DealWriter::begin_bulk).
    void expect(std::int64_t rows);
    // Completes what the rows started (the indexes of a bulk import); before committing.
    void finish();

  private:
    std::optional<ImportAction> add(std::int64_t row, const ImportedDeal& imported,
                                    std::vector<CellError>& errors);
    std::optional<std::int64_t> organization(const ImportedDeal& deal);
    // Without a key: the deal that existed before the import with the row's organization, name
    // (case-folded) and currency.
    std::optional<std::int64_t> same_deal(const ImportedDeal& deal);
    std::optional<std::int64_t> contact(std::int64_t row, const ImportedDeal& deal,
                                        std::optional<std::int64_t> org_id,
                                        std::vector<CellError>& errors);
    ImportAction create(std::int64_t row, const ImportedDeal& imported,
                        std::optional<std::int64_t> org_id, std::optional<std::int64_t> contact_id);
    ImportAction update(std::int64_t row, std::int64_t id, const ImportedDeal& imported,
                        std::optional<std::int64_t> org_id, std::optional<std::int64_t> contact_id);

    Store& store_;
    const ColumnPlan& plan_;
    const RowConverter& converter_;
    const ImportSettings& settings_;
    DealWriter writer_;
    Timestamp now_;
    std::string note_;
    // Without a key: a hash of each earlier deal's organization, folded name and currency, with
    // its id, sorted (16 bytes a deal, so that a million fit in a small machine's memory).
    bool by_name_ = false;
    std::vector<std::pair<std::uint64_t, std::int64_t>> identities_;
    std::vector<bool> matched_;  // by deal id: matched to a row already
    const Stage* first_open_ = nullptr;
    bool bulk_ = false;
    ImportCounts counts_;
};

// A timestamp as a file gives it: a date by the format, with the time when the file has one in
// ISO 8601 (YYYY-MM-DDTHH:MM:SS or with a space); midnight otherwise.
Timestamp parse_timestamp_in_format(std::string_view text, std::string_view format);

}  // namespace funnel
