#include "funnel/formats/import.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "funnel/domain/history.hpp"
#include "funnel/error.hpp"
#include "temp_dir.hpp"

using namespace funnel;
using namespace std::chrono;
using Cells = std::vector<std::string>;

namespace {

const Date today = year{2026} / November / 16;

template <typename Call>
std::string error_of(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A data file, a plan for a header and the settings, and a converter: what an import uses.
struct Fixture {
    TempDir dir;
    Store store;
    ImportSettings settings;
    ColumnPlan plan;

    explicit Fixture(const Cells& header, ImportSettings given = {})
        : store(Store::open(dir.path / "funnel.db", Store::Access::write)),
          settings(std::move(given)),
          plan(plan_columns(header, settings)) {}

    RowConverter converter() {
        return RowConverter(plan, settings, store.stages().all(), store.default_currency(), today);
    }
};

}  // namespace

TEST_CASE("import: the generic preset reads funnel's own export and ignores derived columns") {
    const Cells header = {"id",         "name",  "org",     "org_id", "amount", "weighted_amount",
                          "close_date", "stage", "category"};
    const ColumnPlan plan = plan_columns(header, {});
    CHECK(plan.column_of(ImportField::name) == 1u);
    CHECK(plan.column_of(ImportField::amount) == 4u);
    CHECK(plan.fields[0] == ImportField::ignore);
    CHECK(plan.fields[5] == ImportField::ignore);
}

TEST_CASE("import: unknown columns are left out and named, or with --strict refused") {
    const ColumnPlan left = plan_columns({"name", "Deal Size", "org", "close_date", "Region"}, {});
    CHECK(left.unknown == std::vector<std::string>{"Deal Size", "Region"});
    CHECK_FALSE(left.column_of(ImportField::amount));
    ImportSettings strict;
    strict.strict = true;
    const auto message = error_of([&] {
        plan_columns({"name", "Deal Size", "org", "close_date", "Region"}, strict);
    });
    CHECK(contains(message, "'Deal Size', 'Region'"));
    CHECK(contains(message, "--map 'COLUMN=ignore'"));
    // A field that no column gives names the columns left out, where it most likely is.
    CHECK(contains(error_of([] {
                       plan_columns({"Deal", "org", "close_date"}, {});
                   }),
                   "(columns the generic preset does not know: 'Deal')"));
    ImportSettings settings;
    settings.maps = {{"deal size", ImportField::amount}, {"Region", ImportField::ignore}};
    const ColumnPlan plan =
        plan_columns({"name", "Deal Size", "org", "close_date", "Region"}, settings);
    CHECK(plan.column_of(ImportField::amount) == 1u);
}

TEST_CASE("import: a plan refuses what cannot work before any row is read") {
    ImportSettings settings;
    settings.maps = {{"Nope", ImportField::name}};
    CHECK(contains(error_of([&] {
                       plan_columns({"name", "org", "close_date"}, settings);
                   }),
                   "invalid --map 'Nope=name': the file has no such column"));
    CHECK(contains(error_of([] {
                       plan_columns({"org", "close_date"}, {});
                   }),
                   "no column gives the deals' names"));
    CHECK(contains(error_of([] {
                       plan_columns({"name", "close_date"}, {});
                   }),
                   "no column gives an organization or a contact"));
    CHECK(contains(error_of([] {
                       plan_columns({"name", "org"}, {});
                   }),
                   "no column gives the close dates"));
    settings.maps = {{"title", ImportField::name}};
    CHECK(contains(error_of([&] {
                       plan_columns({"name", "title", "org", "close_date"}, settings);
                   }),
                   "columns 'name' and 'title' both fill name"));
    ImportSettings keyed;
    keyed.key = "Deal ID";
    CHECK(contains(error_of([&] {
                       plan_columns({"name", "org", "close_date"}, keyed);
                   }),
                   "invalid --key 'Deal ID'"));
    ImportSettings salesforce;
    salesforce.preset = Preset::salesforce;
    CHECK(contains(error_of([&] {
                       plan_columns({"Name", "AccountId", "CloseDate"}, salesforce);
                   }),
                   "column 'AccountId' holds record ids"));
    salesforce.lookups["AccountId"] = {{"001", "ACME"}};
    CHECK(
        plan_columns({"Name", "AccountId", "CloseDate"}, salesforce).column_of(ImportField::org) ==
        1u);
}

TEST_CASE("import: dates in the forms exports write") {
    CHECK(parse_date_in_format("2017-03-01", "") == year{2017} / March / 1);
    CHECK(parse_date_in_format("2024-01-22T16:14:25.000+0000", "") == year{2024} / January / 22);
    CHECK(parse_date_in_format("3/1/2017", "%m/%d/%Y") == year{2017} / March / 1);
    CHECK(parse_date_in_format("12/31/2017", "%m/%d/%Y") == year{2017} / December / 31);
    CHECK(parse_date_in_format("02/03/24", "%m/%d/%y") == year{2024} / February / 3);
    CHECK(parse_date_in_format("02/23/26 08:55 PM", "%m/%d/%y") == year{2026} / February / 23);
    CHECK(parse_date_in_format("01/01/69", "%m/%d/%y") == year{1969} / January / 1);
    CHECK(parse_date_in_format("31.12.2026", "%d.%m.%Y") == year{2026} / December / 31);
    CHECK(parse_date_in_format("5-Mar-2026", "%d-%b-%Y") == year{2026} / March / 5);
    CHECK(error_of([] { parse_date_in_format("3/1/2017", ""); }) ==
          "expected YYYY-MM-DD (give --date-format for another form)");
    CHECK(contains(error_of([] { parse_date_in_format("2/30/2026", "%m/%d/%Y"); }), "no such day"));
    CHECK(
        contains(error_of([] { parse_date_in_format("2026-02-01x", ""); }), "expected YYYY-MM-DD"));
    CHECK(contains(error_of([] { validate_date_format("%m/%d"); }), "needs a year"));
    CHECK(contains(error_of([] { validate_date_format("%Y-%m-%q"); }), "unknown %q"));
    CHECK(parse_timestamp_in_format("2024-01-22T16:14:25.000+0000", "") == "2024-01-22T16:14:25");
    CHECK(parse_timestamp_in_format("2016-10-20", "") == "2016-10-20T00:00:00");
    CHECK(parse_timestamp_in_format("10/20/2016", "%m/%d/%Y") == "2016-10-20T00:00:00");
    CHECK(parse_timestamp_in_format("02/23/26 08:55 PM", "%m/%d/%y") == "2026-02-23T20:55:00");
}

TEST_CASE("import: dates follow the rules of the command line") {
    // One range of years for options, imports and restores.
    CHECK(contains(error_of([] { parse_date_in_format("0999-12-31", ""); }), "years 1000 to 9999"));
    CHECK(contains(error_of([] { parse_date_in_format("1/1/0012", "%m/%d/%Y"); }), "years 1000"));
    // A time that follows a date is kept or refused, never dropped.
    CHECK(contains(error_of([] { parse_timestamp_in_format("2026-11-16T25:00:00", ""); }),
                   "is not a time of day"));
    CHECK(contains(error_of([] { parse_date_in_format("2026-11-16 noonish", ""); }),
                   "is not a time of day"));
    CHECK(contains(error_of([] { parse_date_in_format("11/16/2026 13:00 PM", "%m/%d/%Y"); }),
                   "is not a time of day"));
}

TEST_CASE("import: amounts with the separators and signs spreadsheets write") {
    CHECK(parse_amount_cell("12000", 2) == 1200000);
    CHECK(parse_amount_cell("12000.5", 2) == 1200050);
    CHECK(parse_amount_cell("12,000.50", 2) == 1200050);
    CHECK(parse_amount_cell("12.000,50", 2) == 1200050);
    CHECK(parse_amount_cell("1234,56", 2) == 123456);
    CHECK(parse_amount_cell("1,234", 2) == 123400);
    CHECK(parse_amount_cell("1,234,567", 2) == 123456700);
    CHECK(parse_amount_cell("$ 1,200", 2) == 120000);
    CHECK(parse_amount_cell("1 200,5 \xE2\x82\xAC", 2) == 120050);
    CHECK(parse_amount_cell("USD 1124741.15", 2) == 112474115);
    CHECK(parse_amount_cell("1,200", 0) == 1200);
    CHECK(parse_amount_cell("12000.00000000", 2) == 1200000);
    CHECK(parse_amount_cell("12000.", 2) == 1200000);
    CHECK(contains(error_of([] { parse_amount_cell("12000.001", 2); }), "decimal"));
    CHECK(contains(error_of([] { parse_amount_cell("12x", 2); }), "expected an amount"));
    CHECK(error_of([] { parse_amount_cell("-5", 2); }) == "an amount is never negative");
    CHECK(error_of([] { parse_amount_cell("(5)", 2); }) == "an amount is never negative");
    CHECK(contains(error_of([] { parse_amount_cell("n/a", 2); }), "expected an amount"));
    // One separator before exactly three digits groups thousands, whichever it is.
    CHECK(parse_amount_cell("12.345", 2) == 1234500);
}

TEST_CASE("import: probabilities and deal types") {
    CHECK(parse_probability_cell("50") == 50);
    CHECK(parse_probability_cell("50%") == 50);
    CHECK(parse_probability_cell(" 100 % ") == 100);
    CHECK(parse_probability_cell("12.5") == 13);
    CHECK(parse_probability_cell("12.4") == 12);
    CHECK(error_of([] { parse_probability_cell("101"); }) == "expected a percentage from 0 to 100");
    CHECK(error_of([] { parse_probability_cell("-1"); }) == "expected a percentage from 0 to 100");
    CHECK(error_of([] { parse_probability_cell("high"); }) ==
          "expected a percentage from 0 to 100");
    CHECK(parse_deal_type_cell("New Business") == DealType::new_business);
    CHECK(parse_deal_type_cell("existing") == DealType::existing_business);
    CHECK(parse_deal_type_cell("Existing Customer - Upgrade") == DealType::existing_business);
    CHECK(contains(error_of([] { parse_deal_type_cell("Renewal"); }), "expected new or existing"));
}

TEST_CASE("import: a row with several problems reports each") {
    Fixture f({"name", "org", "amount", "close_date", "stage", "probability"});
    const RowConverter converter = f.converter();
    std::vector<CellError> errors;
    CHECK_FALSE(converter.convert(7, {"", "ACME", "12x", "31/12/2026", "Won", "150"}, errors));
    REQUIRE(errors.size() == 5);
    CHECK(errors[0].message == "no name (give --default name=TEXT)");
    CHECK(errors[1].column == "amount");
    CHECK(errors[1].value == "12x");
    CHECK(errors[2].message ==
          "invalid close_date: expected YYYY-MM-DD (give --date-format for another form)");
    CHECK(contains(errors[3].message, "no such stage; map it with --stage-map 'Won=STAGE'"));
    CHECK(errors[4].message == "invalid probability: expected a percentage from 0 to 100");
    for (const auto& error : errors)
        CHECK(error.row == 7);
    errors.clear();
    CHECK_FALSE(converter.convert(8, {"a", "b"}, errors));
    CHECK(errors.at(0).message == "has 2 fields, the header has 6");
}

TEST_CASE("import: defaults fill blank cells and accept relative dates") {
    ImportSettings settings;
    settings.defaults = {{ImportField::close_date, "eoq"}, {ImportField::org, "Unknown"}};
    settings.stage_map = {{"Engaging", "value-proposition"}};
    Fixture f({"name", "org", "close_date", "stage"}, settings);
    const RowConverter converter = f.converter();
    std::vector<CellError> errors;
    const auto deal = converter.convert(2, {"Deal", "", "", "engaging"}, errors);
    REQUIRE(deal);
    CHECK(errors.empty());
    CHECK(deal->org == "Unknown");
    CHECK(deal->close_date == year{2026} / December / 31);
    CHECK(deal->stage->name == "value-proposition");
    ImportSettings bad;
    bad.stage_map = {{"Engaging", "nowhere"}};
    Fixture g({"name", "org", "close_date"}, bad);
    CHECK(contains(error_of([&] { g.converter(); }),
                   "invalid --stage-map 'Engaging=nowhere': no stage 'nowhere'"));
    ImportSettings bad_default;
    bad_default.defaults = {{ImportField::close_date, "someday"}};
    Fixture h({"name", "org", "close_date"}, bad_default);
    CHECK(contains(error_of([&] { h.converter(); }), "invalid --default 'close_date=someday'"));
}

TEST_CASE("import: a closed row takes its stage's probability, or with --strict is refused") {
    ImportSettings settings;
    settings.preset = Preset::salesforce;
    Fixture f({"Name", "Account Name", "CloseDate", "StageName", "Probability"}, settings);
    std::vector<CellError> errors;
    {
        const RowConverter converter = f.converter();
        const auto won =
            converter.convert(2, {"A", "ACME", "2026-01-10", "Closed Won", "100"}, errors);
        REQUIRE(won);
        CHECK_FALSE(won->probability_repaired);
        const auto repaired =
            converter.convert(3, {"B", "ACME", "2026-01-10", "Closed Lost", "10"}, errors);
        REQUIRE(repaired);
        CHECK(repaired->probability == 0);
        CHECK(repaired->probability_repaired);
        CHECK(errors.empty());
    }
    f.settings.strict = true;
    const RowConverter strict = f.converter();
    CHECK_FALSE(strict.convert(3, {"B", "ACME", "2026-01-10", "Closed Won", "90"}, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message ==
          "invalid probability: closed-won is a won stage, whose probability is always 100 "
          "(without --strict, the stage's is taken)");
}

TEST_CASE("import: deals are created with organizations and contacts matched or created once") {
    Fixture f({"name", "org", "contact", "amount", "close_date", "stage", "probability"});
    const RowConverter converter = f.converter();
    Store::Transaction transaction(f.store);
    DealImport import(f.store, f.plan, converter, f.settings, "2026-11-16T09:00:00",
                      "imported from deals.csv");
    std::vector<CellError> errors;
    REQUIRE(
        import.add(2, {"One", "ACME", "Ann", "1000", "2026-12-31", "quote-sent", "35"}, errors));
    REQUIRE(import.add(3, {"Two", "acme", "ann", "2000", "2026-12-31", "", ""}, errors));
    CHECK(errors.empty());
    transaction.commit();
    CHECK(import.counts().created == 2);
    CHECK(import.counts().organizations == 1);
    CHECK(import.counts().contacts == 1);
    const Opportunity one = f.store.deals().get(1);
    CHECK(one.probability == 35);  // the file's, not the stage's 50
    CHECK(one.contact == "Ann");
    CHECK(f.store.related().contact_links(1).at(0).primary);
    const Opportunity two = f.store.deals().get(2);
    CHECK(two.stage == "prospecting");
    CHECK(two.probability == 10);
    CHECK(two.org_id == one.org_id);
    const auto history = f.store.history().of(1);
    REQUIRE(history.size() == 1);
    CHECK(history[0].field == "created");
    CHECK(history[0].note == "imported from deals.csv");
}

TEST_CASE("import: a deal that closed after it was created was open until then") {
    ImportSettings settings;
    settings.maps = {{"engaged", ImportField::created_at}};
    Fixture f({"name", "org", "amount", "engaged", "close_date", "stage"}, settings);
    const RowConverter converter = f.converter();
    Store::Transaction transaction(f.store);
    DealImport import(f.store, f.plan, converter, f.settings, "2026-11-16T09:00:00", "imported");
    std::vector<CellError> errors;
    REQUIRE(
        import.add(2, {"Won", "ACME", "1000", "2017-01-10", "2017-03-01", "closed-won"}, errors));
    transaction.commit();
    const Opportunity deal = f.store.deals().get(1);
    CHECK(deal.created_at == "2017-01-10T00:00:00");
    CHECK(deal.closed_at == year{2017} / March / 1);
    CHECK(deal.probability == 100);
    std::vector<DealChange> changes;
    for (const auto& entry : f.store.history().of(1))
        changes.push_back({entry.id, entry.changed_at, entry.recorded_at, entry.field, std::nullopt,
                           std::nullopt});
    REQUIRE(changes.size() == 4);
    CHECK(changes[1].field == "stage");
    CHECK(changes[1].changed_at == "2017-03-01T00:00:00");
    // As of February the deal was open, in the first stage, at its probability.
    f.store.history().for_each_deal({}, {}, [&](const Opportunity& current, const auto& recorded) {
        const auto february =
            deal_as_of(current, recorded, "2017-02-15T23:59:59", f.store.stages().all());
        REQUIRE(february);
        CHECK(february->state == StageState::open);
        CHECK(february->stage == "prospecting");
        CHECK(february->probability == 10);
        CHECK_FALSE(february->closed_at);
        const auto march =
            deal_as_of(current, recorded, "2017-03-01T23:59:59", f.store.stages().all());
        CHECK(march->state == StageState::won);
    });
}

TEST_CASE("import: known keys are skipped, updated with history, or refused") {
    ImportSettings settings;
    settings.key = "ref";
    Fixture f({"ref", "name", "org", "amount", "close_date", "stage"}, settings);
    const RowConverter converter = f.converter();
    std::vector<CellError> errors;
    {
        Store::Transaction transaction(f.store);
        DealImport import(f.store, f.plan, converter, f.settings, "2026-11-16T09:00:00", "first");
        REQUIRE(
            import.add(2, {"X-1", "Deal", "ACME", "1000", "2026-12-31", "prospecting"}, errors));
        // The same key twice in one file is the same deal.
        const auto again =
            import.add(3, {"X-1", "Deal", "ACME", "1000", "2026-12-31", "prospecting"}, errors);
        REQUIRE(again);
        CHECK(again->kind == ImportAction::Kind::skip);
        CHECK_FALSE(import.add(4, {"", "Deal", "ACME", "1000", "2026-12-31", ""}, errors));
        CHECK(errors.at(0).message == "blank key");
        errors.clear();
        transaction.commit();
    }
    f.settings.on_duplicate = OnDuplicate::update;
    {
        Store::Transaction transaction(f.store);
        DealImport import(f.store, f.plan, converter, f.settings, "2026-11-17T09:00:00", "second");
        const auto action =
            import.add(2, {"X-1", "Deal", "ACME", "1500", "2027-01-31", "quote-sent"}, errors);
        REQUIRE(action);
        CHECK(action->kind == ImportAction::Kind::update);
        CHECK(action->changed ==
              std::vector<std::string>{"amount", "close_date", "stage", "probability"});
        const auto unchanged =
            import.add(3, {"X-1", "Deal", "ACME", "1500", "2027-01-31", "quote-sent"}, errors);
        CHECK(unchanged->kind == ImportAction::Kind::skip);
        transaction.commit();
        CHECK(import.counts().updated == 1);
        CHECK(import.counts().skipped == 1);
    }
    const Opportunity deal = f.store.deals().get(1);
    CHECK(deal.amount.minor == 150000);
    CHECK(deal.stage == "quote-sent");
    CHECK(deal.probability == 50);
    CHECK(deal.external_id == "X-1");
    const auto history = f.store.history().of(1);
    CHECK(history.back().changed_at == "2026-11-17T09:00:00");
    f.settings.on_duplicate = OnDuplicate::error;
    {
        Store::Transaction transaction(f.store);
        DealImport import(f.store, f.plan, converter, f.settings, "2026-11-18T09:00:00", "third");
        CHECK_FALSE(import.add(2, {"X-1", "Deal", "ACME", "1", "2027-01-31", ""}, errors));
        CHECK(errors.at(0).message ==
              "an opportunity with this key exists already (id 1); give --on-duplicate skip or "
              "update");
    }
}

TEST_CASE("import: a contact name shared by two people is resolved by the organization") {
    Fixture f({"name", "org", "contact", "close_date"});
    const RowConverter converter = f.converter();
    Store::Transaction transaction(f.store);
    DealImport import(f.store, f.plan, converter, f.settings, "2026-11-16T09:00:00", "imported");
    std::vector<CellError> errors;
    REQUIRE(import.add(2, {"A", "ACME", "Sam Lee", "2026-12-31"}, errors));
    REQUIRE(import.add(3, {"B", "Globex", "", "2026-12-31"}, errors));
    Contact other;
    other.name = "Sam Lee";
    other.org_id = f.store.parties().organization("Globex").id;
    other.created_at = other.updated_at = "2026-11-16T09:00:00";
    const std::int64_t other_id = f.store.parties().insert_contact(other);
    REQUIRE(import.add(4, {"C", "Globex", "Sam Lee", "2026-12-31"}, errors));
    CHECK(f.store.deals().get(3).contact_id == other_id);
    CHECK_FALSE(import.add(5, {"D", "Initech", "Sam Lee", "2026-12-31"}, errors));
    CHECK(contains(errors.at(0).message, "2 contacts have this name"));
}

TEST_CASE("import: the rows a report export adds after its data") {
    CHECK(is_footer_row({"Total", "", "300"}, false));
    CHECK(is_footer_row({" grand total ", ""}, false));
    CHECK(is_footer_row({"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."},
                        false));
    CHECK(is_footer_row({"Confidential Information - Do Not Distribute"}, false));
    CHECK(is_footer_row({"Generated By:  Dana Scully  11/29/2026 9:00 AM"}, false));
    // The organization's name, alone on its row, only once the footer has begun.
    CHECK(is_footer_row({"Acme Corp"}, true));
    CHECK_FALSE(is_footer_row({"Acme Corp"}, false));
    CHECK(is_footer_row({"", ""}, true));
    // Data.
    CHECK_FALSE(is_footer_row({"Totally new deal", "ACME", "100"}, false));
    CHECK_FALSE(is_footer_row({"Renewal", "ACME", "100"}, true));
}

TEST_CASE("import: amounts with more decimals than their currency are rounded half to even") {
    const auto rounded = [](std::string_view text, int digits) {
        bool was = false;
        const auto minor = parse_amount_cell(text, digits, &was);
        CHECK(was);
        return minor;
    };
    CHECK(rounded("12000.001", 2) == 1200000);
    CHECK(rounded("12000.005", 2) == 1200000);   // half, to the even cent
    CHECK(rounded("12000.015", 2) == 1200002);   // half, to the even cent
    CHECK(rounded("12000.0051", 2) == 1200001);  // above half
    CHECK(rounded("12000.0049", 2) == 1200000);
    CHECK(rounded("1,234.5678", 2) == 123457);
    CHECK(rounded("2.5", 0) == 2);
    CHECK(rounded("3.5", 0) == 4);
    CHECK(rounded("0.125", 2) == 12);
    // Zeros past the currency's decimals are not a rounding.
    bool was = false;
    CHECK(parse_amount_cell("12000.50000000", 2, &was) == 1200050);
    CHECK_FALSE(was);
}

TEST_CASE("import: the dates of a file tell their format, or say they cannot") {
    const auto guess = [](const std::vector<std::string>& dates) {
        DateFormatGuess g;
        for (const auto& date : dates)
            g.see(date);
        return g;
    };
    CHECK(guess({"03/04/2026", "15/04/2026"}).format() == "%d/%m/%Y");
    CHECK(guess({"03/04/2026", "04/15/2026"}).format() == "%m/%d/%Y");
    CHECK(guess({"12/15/26"}).format() == "%m/%d/%y");
    CHECK(guess({"15.12.2026 10:30"}).format() == "%d.%m.%Y");
    CHECK(guess({"31-12-2026"}).format() == "%d-%m-%Y");
    // Undecided: each could be either.
    const auto open = guess({"03/04/2026", "", "05/06/2026"});
    CHECK_FALSE(open.format());
    CHECK(open.undecided() == "03/04/2026");
    CHECK_FALSE(open.settled());
    // A file that begins with ISO dates writes ISO dates: no format, and nothing undecided.
    const auto iso = guess({"2026-12-31T10:00:00Z", "31/12/2026"});
    CHECK(iso.settled());
    CHECK_FALSE(iso.format());
    // What is no date decides nothing.
    CHECK_FALSE(guess({"n/a", "13/13/2026", "1/2", "1/2/123"}).settled());
    CHECK(guess({"n/a", "13/13/2026", "1/2", "1/2/123"}).undecided().empty());
}

TEST_CASE("import: a file's header names the preset it was exported with") {
    CHECK(recognise_preset({"Potential Name", "Sales Stage", "Amount"}).preset == Preset::vtiger);
    CHECK(recognise_preset({"Opportunity Name", "Organization Name", "Sales Stage"}).preset ==
          Preset::vtiger);
    const auto salesforce = recognise_preset({"Id", "Name", "StageName", "Amount", "CloseDate"});
    CHECK(salesforce.preset == Preset::salesforce);
    CHECK(salesforce.telling == std::vector<std::string>{"StageName", "CloseDate"});
    CHECK(recognise_preset({"Opportunity Name", "Account Name", "Stage", "Close Date"}).preset ==
          Preset::salesforce);
    CHECK(recognise_preset({"name", "org", "amount", "close_date"}).preset == Preset::generic);
    // Columns every preset knows, or none does, tell nothing: generic, as before.
    CHECK(recognise_preset({"Amount", "Description"}).preset == Preset::generic);
    CHECK(recognise_preset({"Deal", "Value"}).preset == Preset::generic);
    const auto both = error_of([] { recognise_preset({"Sales Stage", "StageName"}); });
    CHECK(contains(both,
                   "more than one preset: vtiger ('Sales Stage') and salesforce "
                   "('StageName'); give --preset"));
}

TEST_CASE("import: a stage of the file's own beats the preset's folding, and folds are told") {
    ImportSettings settings;
    settings.preset = Preset::vtiger;
    Fixture f({"Potential Name", "Related To", "Expected Close Date", "Sales Stage"}, settings);
    {
        const auto converter = f.converter();
        std::vector<CellError> errors;
        const auto deal =
            converter.convert(2, {"A", "ACME", "2026-12-01", "Qualification"}, errors);
        REQUIRE(deal);
        CHECK(deal->stage->name == "prospecting");
        CHECK(deal->folded_from == "Qualification");
        const auto quote =
            converter.convert(3, {"B", "ACME", "2026-12-01", "Proposal or Price Quote"}, errors);
        REQUIRE(quote);
        CHECK(quote->stage->name == "quote-sent");
        CHECK(quote->folded_from.empty());
    }
    const auto created = create_preset_stages(f.store, Preset::vtiger);
    REQUIRE(created.size() == 4);
    std::vector<std::string> order;
    for (const auto& stage : f.store.stages().all())
        order.push_back(stage.name + " " + std::to_string(stage.probability));
    CHECK(order == std::vector<std::string>{
                       "prospecting 10", "qualification 20", "needs-analysis 25",
                       "value-proposition 25", "id-decision-makers 40", "perception-analysis 50",
                       "quote-sent 50", "renegotiation 70", "closed-won 100", "closed-lost 0"});
    {
        const auto converter = f.converter();
        std::vector<CellError> errors;
        const auto deal =
            converter.convert(2, {"A", "ACME", "2026-12-01", "Id. Decision Makers"}, errors);
        REQUIRE(deal);
        CHECK(deal->stage->name == "id-decision-makers");
        CHECK(deal->folded_from.empty());
    }
    // None used: all made again go.
    CHECK(remove_unused_stages(f.store, created).empty());
    CHECK(f.store.stages().all().size() == 6);
    CHECK(create_preset_stages(f.store, Preset::generic).empty());
}
