#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <map>
#include <sstream>

#include "funnel/error.hpp"
#include "funnel/formats/export.hpp"
#include "funnel/store/store.hpp"
#include "temp_dir.hpp"

using namespace funnel;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

// Two deals, one won with a contact, a line and an activity, and some history.
void fill(Store& store) {
    Store::Transaction transaction(store);
    Organization acme;
    acme.name = "ACME, Inc.";
    acme.created_at = acme.updated_at = "2026-11-01T09:00:00";
    const std::int64_t acme_id = store.parties().insert_organization(acme);
    Contact ann;
    ann.name = "Ann \"Q\" Lee";
    ann.org_id = acme_id;
    ann.created_at = ann.updated_at = "2026-11-01T09:00:00";
    const std::int64_t ann_id = store.parties().insert_contact(ann);
    const auto stages = store.stages().all();
    Opportunity deal;
    deal.name = "=SUM(A1)";
    deal.org_id = acme_id;
    deal.contact_id = ann_id;
    deal.amount = {1200050, Currency::parse("EUR")};
    deal.close_date = year{2026} / December / 31;
    deal.created_at = deal.updated_at = deal.stage_changed_at = "2026-11-02T09:00:00";
    deal.description = "two\nlines";
    deal.external_id = "X-1";
    enter_first_stage(deal, resolve_stage(stages, "prospecting"), 15);
    deal.id = store.deals().insert(deal);
    store.related().set_primary_contact(deal.id, ann_id, deal.created_at);
    Opportunity won = deal;
    move_to_stage(won, resolve_stage(stages, "closed-won"), std::nullopt,
                  year{2026} / November / 10, std::nullopt);
    store.deals().update(deal, won, "2026-11-10T10:00:00", "signed");
    Product seats;
    seats.name = "Seats";
    seats.price = {10000, Currency::parse("EUR")};
    seats.created_at = seats.updated_at = "2026-11-01T09:00:00";
    Line line;
    line.opp_id = deal.id;
    line.product_id = store.related().insert_product(seats);
    line.quantity_milli = 3000;
    line.unit_price = 10000;
    line.total = 30000;
    line.currency = "EUR";
    line.created_at = "2026-11-03T09:00:00";
    store.related().insert_line(line);
    Activity call;
    call.opp_id = deal.id;
    call.subject = "Call Ann";
    call.due_date = year{2026} / November / 20;
    call.created_at = call.updated_at = "2026-11-03T09:00:00";
    store.related().insert_activity(call);
    Opportunity other;
    other.name = "Plain";
    other.org_id = acme_id;
    other.amount = {500, Currency::parse("JPY")};
    other.close_date = year{2027} / January / 15;
    other.created_at = other.updated_at = other.stage_changed_at = "2026-11-04T09:00:00";
    enter_first_stage(other, resolve_stage(stages, "quote-sent"), std::nullopt);
    other.tags = {"hot", "q4"};
    store.deals().insert(other);
    transaction.commit();
}

std::string exported(Store& store, Format format, bool safe = false) {
    std::ostringstream out;
    DealExporter exporter(out, format, safe);
    OppQuery query;
    query.filter.states = StateFilter::all;
    query.sort = {{OppSort::id}};
    store.deals().for_each_columns(query, [&](const DealColumns& deal) { exporter.write(deal); });
    exporter.finish();
    return out.str();
}

std::string dumped(Store& store) {
    std::ostringstream out;
    store.dump().write(out, "2026-11-16T09:00:00");
    return out.str();
}

}  // namespace

TEST_CASE("export: csv with every field, quoted where needed, formulas made inert on request") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    fill(store);
    const std::string csv = exported(store, Format::csv);
    CHECK(csv ==
          "id,name,org,org_id,contact,contact_id,amount,currency,close_date,stage,probability,"
          "weighted_amount,category,type,next_step,description,owner,source,created_at,"
          "updated_at,closed_at,lost_reason,external_id,tags\n"
          "1,=SUM(A1),\"ACME, Inc.\",1,\"Ann \"\"Q\"\" Lee\",1,12000.5,EUR,2026-11-10,closed-won,"
          "100,12000.5,closed,new,,\"two\nlines\",,,2026-11-02T09:00:00,2026-11-10T10:00:00,"
          "2026-11-10,,X-1,\n"
          "2,Plain,\"ACME, Inc.\",1,,,500,JPY,2027-01-15,quote-sent,50,250,best-case,new,,,,,"
          "2026-11-04T09:00:00,2026-11-04T09:00:00,,,,hot;q4\n");
    CHECK(exported(store, Format::csv, true).find("\n1,'=SUM(A1),") != std::string::npos);
    CHECK(DealExporter::columns().size() == 24);
}

TEST_CASE("export: json and jsonl have the fields and nulls of opp list, and the external id") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    fill(store);
    const std::string jsonl = exported(store, Format::jsonl);
    CHECK(
        jsonl.substr(0, jsonl.find('\n')) ==
        R"j({"id":1,"name":"=SUM(A1)","org":"ACME, Inc.","org_id":1,"contact":"Ann \"Q\" Lee",)j"
        R"j("contact_id":1,"amount":12000.5,"currency":"EUR","close_date":"2026-11-10",)j"
        R"j("stage":"closed-won","probability":100,"weighted_amount":12000.5,"category":"closed",)j"
        R"j("type":"new","next_step":null,"description":"two\nlines","owner":null,"source":null,)j"
        R"j("created_at":"2026-11-02T09:00:00","updated_at":"2026-11-10T10:00:00",)j"
        R"j("closed_at":"2026-11-10","lost_reason":null,"external_id":"X-1","tags":[],)j"
        R"j("fields":{}})j");
    const std::string json = exported(store, Format::json);
    CHECK(json.starts_with("[\n  {\"id\": 1, \"name\": \"=SUM(A1)\", "));
    CHECK(
        json.ends_with("\"external_id\": null, \"tags\": [\"hot\", \"q4\"], \"fields\": {}}\n]\n"));
    TempDir empty;
    Store none = Store::open(empty.path / "none.db", Store::Access::write);
    CHECK(exported(none, Format::json) == "[]\n");
    std::ostringstream out;
    CHECK_THROWS_AS(DealExporter(out, Format::table, false), Error);
}

TEST_CASE("dump and restore: the restored file dumps identically") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    fill(store);
    {
        // A deleted deal leaves a gap that the next id must not fill.
        SQLite::Database db((dir.path / "funnel.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE sqlite_sequence SET seq = 9 WHERE name = 'opportunity'");
    }
    const std::string dump = dumped(store);
    CHECK(dump.find("\"format\": \"funnel-dump\"") != std::string::npos);
    CHECK(dump.find("\"history\": [{\"id\": 1, \"changed_at\"") != std::string::npos);

    Store copy = Store::open(dir.path / "copy.db", Store::Access::write);
    {
        Store::Transaction transaction(copy);
        std::istringstream in(dump);
        copy.dump().restore(in);
        transaction.commit();
    }
    CHECK(dumped(copy) == dump);
    for (const auto& check : copy.check())
        CHECK_MESSAGE(check.problems.empty(), check.name);
    Opportunity next = copy.deals().get(2);
    next.id = 0;
    Store::Transaction transaction(copy);
    CHECK(copy.deals().insert(next) == 10);
}

TEST_CASE("restore: only into an empty file, only a funnel dump, and nothing half done") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    fill(store);
    const std::string dump = dumped(store);
    const auto restore_error = [&](Store& target, const std::string& text) -> std::string {
        Store::Transaction transaction(target);
        std::istringstream in(text);
        try {
            target.dump().restore(in);
        } catch (const Error& e) {
            return e.what();
        }
        return "restored";
    };
    CHECK(restore_error(store, dump).find("holds data already") != std::string::npos);
    Store empty = Store::open(dir.path / "empty.db", Store::Access::write);
    CHECK(restore_error(empty, "{\"format\": \"other\"}").starts_with("not a funnel dump"));
    CHECK(restore_error(empty, "[1, 2").starts_with("not a funnel dump"));
    // A header of the wrong type is refused as such, not thrown past the caller.
    CHECK(restore_error(empty, "{\"format\": [5]}").starts_with("not a funnel dump"));
    CHECK(restore_error(empty, "{\"format\": \"funnel-dump\", \"format_version\": \"1\"}") ==
          "not a funnel dump: format_version is not a whole number");
    std::string unknown = dump;
    unknown.replace(unknown.find("\"lost_reason\""), 13, "\"loss_reason\"");
    CHECK(
        restore_error(empty, unknown).find("field 'loss_reason' that this funnel does not know") !=
        std::string::npos);
    // A rule across rows, which db check applies, refuses the dump as a whole.
    std::string twin_stages = dump;
    twin_stages.replace(twin_stages.find("\"position\": 2"), 13, "\"position\": 1");
    CHECK(restore_error(empty, twin_stages) ==
          "the dump is inconsistent: stage order: stages prospecting, value-proposition share "
          "position 1");
    std::string dangling = dump;
    dangling.replace(dangling.find("\"org_id\": 1"), 11, "\"org_id\": 7");
    CHECK(restore_error(empty, dangling).find("inconsistent") != std::string::npos);
    // Each failure rolled back: the file is as empty as it was.
    CHECK(empty.counts().opportunities == 0);
    CHECK(empty.counts().stages == 6);
}

TEST_CASE("check: a damaged rule is reported by name") {
    TempDir dir;
    const fs::path file = dir.path / "funnel.db";
    {
        Store store = Store::open(file, Store::Access::write);
        fill(store);
        for (const auto& check : store.check())
            CHECK_MESSAGE(check.problems.empty(), check.name);
    }
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE opportunity SET probability = 80 WHERE id = 1");
        db.exec("UPDATE opportunity SET currency = 'XXY' WHERE id = 2");
    }
    Store store = Store::open(file, Store::Access::read);
    std::map<std::string, std::vector<std::string>> problems;
    for (const auto& check : store.check())
        problems[check.name] = check.problems;
    CHECK(problems["closed deals"] ==
          std::vector<std::string>{"opportunity 1 is won with probability 80"});
    CHECK(problems["currencies"] == std::vector<std::string>{"unknown currency 'XXY'"});
    CHECK(problems["integrity"].empty());
}

TEST_CASE("backup: a new private file that never replaces one") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    fill(store);
    const fs::path copy = dir.path / "backup.db";
    store.backup(copy);
    CHECK((fs::status(copy).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    Store restored = Store::open(copy, Store::Access::read);
    CHECK(dumped(restored) == dumped(store));
    try {
        store.backup(copy);
        FAIL("replaced");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::conflict);
    }
    // No temporary file is left behind.
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path))
        files += entry.path().filename().string().starts_with(".backup") ? 1 : 0;
    CHECK(files == 0);
}
