#include "funnel/store/store.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "funnel/error.hpp"
#include "funnel/system/paths.hpp"
#include "store/schema.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace funnel;
using namespace funnel::testing;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

std::string bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

TEST_CASE("a new data file is private, in WAL mode and seeded") {
    TempDir dir;
    const fs::path file = dir.path / "nested" / "deeper" / "funnel.db";
    {
        Store store = Store::open(file, Store::Access::write);
        CHECK(store.on_disk());
        CHECK(store.schema_version() == Store::latest_schema_version());
        CHECK(store.stages().all().size() == 6);
        CHECK(store.default_currency().code() == "EUR");
    }
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    REQUIRE(::stat(file.parent_path().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    SQLite::Database db(file.string());
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.execAndGet("PRAGMA application_id").getInt() == schema::application_id);
}

TEST_CASE("reading a missing file fails and creates nothing") {
    TempDir dir;
    const fs::path file = dir.path / "missing" / "funnel.db";
    try {
        Store::open(file, Store::Access::read);
        FAIL("opened");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
        CHECK(std::string(e.what()).find(file.string()) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(file));
    CHECK_FALSE(fs::exists(file.parent_path()));
}

TEST_CASE("a scratch store is empty and seeded and touches no file") {
    TempDir dir;
    const fs::path file = dir.path / "funnel.db";
    Store store = Store::scratch(file);
    CHECK_FALSE(store.on_disk());
    CHECK(store.counts().opportunities == 0);
    CHECK(store.stages().all().size() == 6);
    {
        Store::Transaction transaction(store);
        sample_deal(store, "Scratch", 100);
        transaction.commit();
    }
    CHECK(store.counts().opportunities == 1);
    CHECK_FALSE(fs::exists(file));
}

TEST_CASE("the store says whether opening it made the file") {
    TempDir dir;
    const fs::path file = dir.path / "funnel.db";
    CHECK(Store::open(file, Store::Access::write).created_file());
    CHECK_FALSE(Store::open(file, Store::Access::write).created_file());
}

TEST_CASE("a new file made beside its place is the only file made, until it takes its place") {
    TempDir dir;
    const fs::path target = dir.path / "funnel.db";
    const auto names = [&] {
        std::vector<std::string> found;
        for (const auto& entry : fs::directory_iterator(dir.path))
            found.push_back(entry.path().filename().string());
        std::sort(found.begin(), found.end());
        return found;
    };
    {
        NewDataFile file(target);
        {
            Store store = Store::create(file, target);
            Store::Transaction transaction(store);
            sample_deal(store, "Imported", 100);
            transaction.commit();
            // Made in place under this process's name: nothing another process's cleanup
            // would not recognise (a killed import left `..funnel.db.new-PID.new-PID`).
            const std::string own = file.path().filename().string();
            CHECK(names() == std::vector<std::string>{own, own + "-shm", own + "-wal"});
        }
        CHECK_FALSE(fs::exists(target));
        file.adopt();
    }
    CHECK(names() == std::vector<std::string>{"funnel.db"});
    CHECK(Store::open(target, Store::Access::read).counts().opportunities == 1);
}

TEST_CASE("a write to a missing folder is refused unless folders may be created") {
    TempDir dir;
    const fs::path file = dir.path / "typo" / "funnel.db";
    CHECK_THROWS_AS(Store::open(file, Store::Access::write, Store::Folders::must_exist), Error);
    CHECK_FALSE(fs::exists(file.parent_path()));
    CHECK(Store::open(file, Store::Access::write, Store::Folders::create).created_file());
}

TEST_CASE("what is not a file is refused as a data file") {
    TempDir dir;
    const fs::path fifo = dir.path / "pipe.db";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const auto& refused :
         {std::pair{dir.path, "is a folder"}, std::pair{fifo, "is a named pipe"},
          std::pair{fs::path("/dev/null"), "is a device"}}) {
        const fs::path& path = refused.first;
        const char* kind = refused.second;
        for (auto access : {Store::Access::read, Store::Access::write}) {
            CAPTURE(path);
            try {
                Store::open(path, access);
                FAIL("opened");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::invalid);
                CHECK(std::string(e.what()).find(kind) != std::string::npos);
            }
        }
    }
    CHECK_FALSE(fs::exists("/dev/null-journal"));
}

TEST_CASE("a truncated data file is damaged and an empty one is not found") {
    TempDir dir;
    const fs::path file = dir.path / "funnel.db";
    {
        Store store = Store::open(file, Store::Access::write);
        Store::Transaction transaction(store);
        for (int i = 0; i < 200; ++i)
            sample_deal(store, "Org " + std::to_string(i), 100);
        transaction.commit();
    }
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        db.exec("PRAGMA journal_mode = DELETE");
    }
    fs::resize_file(file, fs::file_size(file) / 2);
    try {
        Store store = Store::open(file, Store::Access::read);
        store.counts();
        FAIL("read");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("is damaged") != std::string::npos);
    } catch (const SQLite::Exception& e) {
        CHECK(e.getErrorCode() == SQLITE_CORRUPT);
    }
    fs::resize_file(file, 50);
    try {
        Store::open(file, Store::Access::read);
        FAIL("opened");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("is damaged") != std::string::npos);
    }
    fs::resize_file(file, 0);
    try {
        Store::open(file, Store::Access::read);
        FAIL("opened");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
        CHECK(std::string(e.what()).find("is empty") != std::string::npos);
    }
}

TEST_CASE("reading never changes the file") {
    TempDir dir;
    const fs::path file = dir.path / "funnel.db";
    {
        Store store = Store::open(file, Store::Access::write);
        Store::Transaction transaction(store);
        sample_deal(store, "ACME", 100);
        transaction.commit();
    }
    const std::string before = bytes_of(file);
    {
        Store store = Store::open(file, Store::Access::read);
        CHECK(store.counts().opportunities == 1);
        CHECK_THROWS(store.set_default_currency(Currency::parse("USD")));
    }
    CHECK(bytes_of(file) == before);
}

TEST_CASE("every older schema version upgrades and keeps its data") {
    for (int version = 0; version < Store::latest_schema_version(); ++version) {
        CAPTURE(version);
        TempDir dir;
        const fs::path file = dir.path / "old.db";
        Store::open_at_version(file, version);
        const std::string before = bytes_of(file);
        if (version == 0) {
            // A file with no schema at all holds nothing to read.
            CHECK_THROWS_AS(Store::open(file, Store::Access::read), Error);
        } else {
            // Reading upgrades a private copy only.
            Store reader = Store::open(file, Store::Access::read);
            CHECK(reader.schema_version() == Store::latest_schema_version());
            CHECK(reader.stages().all().size() == 6);
        }
        CHECK(bytes_of(file) == before);
        Store store = Store::open(file, Store::Access::write);
        CHECK(store.schema_version() == Store::latest_schema_version());
        CHECK(store.stages().all().size() == 6);
    }
}

namespace {

// A deal as an older funnel wrote it, with only the columns of schema version 1; the contact
// (when one is named) is created with it.
void insert_old_deal(const fs::path& file, const std::string& name, std::int64_t amount_minor,
                     const std::string& contact = "") {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "INSERT INTO organization (name, created_at, updated_at) VALUES ('Old Inc', "
        "'2026-11-16T09:00:00', '2026-11-16T09:00:00')");
    if (!contact.empty()) {
        SQLite::Statement insert(db,
                                 "INSERT INTO contact (name, created_at, updated_at) VALUES (?, "
                                 "'2026-11-16T09:00:00', '2026-11-16T09:00:00')");
        insert.bind(1, contact);
        insert.exec();
    }
    SQLite::Statement insert(
        db,
        "INSERT INTO opportunity (name, org_id, contact_id, amount, currency, close_date, "
        "stage_id, state, probability, type, created_at, updated_at, stage_changed_at) VALUES "
        "(?, 1, ?, ?, 'EUR', '2026-12-31', 1, 'open', 10, 'new', '2026-11-16T09:00:00', "
        "'2026-11-16T09:00:00', '2026-11-16T09:00:00')");
    insert.bind(1, name);
    if (contact.empty())
        insert.bind(2);
    else
        insert.bind(2, std::int64_t{1});
    insert.bind(3, amount_minor);
    insert.exec();
    db.exec(
        "INSERT INTO opportunity_history (opp_id, changed_at, field, new_value) SELECT id, "
        "created_at, 'created', name FROM opportunity");
}

}  // namespace

TEST_CASE("an upgraded file keeps the deals written before") {
    TempDir dir;
    const fs::path file = dir.path / "old.db";
    const int previous = std::max(1, Store::latest_schema_version() - 1);
    {
        Store store = Store::open_at_version(file, previous);
        CHECK(store.schema_version() == previous);
    }
    insert_old_deal(file, "Kept", 4200);
    Store store = Store::open(file, Store::Access::write);
    CHECK(store.schema_version() == Store::latest_schema_version());
    CHECK(store.deals().get(1).name == "Kept");
    CHECK(store.deals().get(1).amount.minor == 4200);
}

TEST_CASE("a file from a newer funnel is refused and left untouched") {
    TempDir dir;
    const fs::path file = dir.path / "newer.db";
    { Store::open(file, Store::Access::write); }
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = 99");
    }
    const std::string before = bytes_of(file);
    for (auto access : {Store::Access::read, Store::Access::write}) {
        try {
            Store::open(file, access);
            FAIL("opened");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::conflict);
            CHECK(std::string(e.what()).find("newer funnel (schema version 99") !=
                  std::string::npos);
        }
        CHECK(bytes_of(file) == before);
    }
}

TEST_CASE("files that are not funnel data files are refused") {
    TempDir dir;
    const fs::path text = dir.path / "notes.txt";
    std::ofstream(text) << "this is not a database, just some words to fill a page of text\n";
    const fs::path other = dir.path / "other.db";
    {
        SQLite::Database db(other.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE t (x)");
    }
    for (const auto& file : {text, other}) {
        const std::string before = bytes_of(file);
        for (auto access : {Store::Access::read, Store::Access::write}) {
            CAPTURE(file);
            try {
                Store::open(file, access);
                FAIL("opened");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::runtime);
                CHECK(std::string(e.what()).find("is not a funnel data file") != std::string::npos);
            }
        }
        CHECK(bytes_of(file) == before);
    }
}

TEST_CASE("upgrading to version 4 links each deal's own contact as its primary contact") {
    TempDir dir;
    const fs::path file = dir.path / "v3.db";
    const std::int64_t deal_id = 1;
    { Store::open_at_version(file, 3); }
    insert_old_deal(file, "ACME", 100, "Ann Lee");
    Store store = Store::open(file, Store::Access::write);
    const auto links = store.related().contact_links(deal_id);
    REQUIRE(links.size() == 1);
    CHECK(links[0].contact == "Ann Lee");
    CHECK(links[0].primary);
    CHECK(store.calendar_id().size() == 16);
}

TEST_CASE("upgrading to version 6 keeps every check constraint, as comparisons") {
    TempDir dir;
    const fs::path file = dir.path / "v5.db";
    { Store::open_at_version(file, 5); }
    insert_old_deal(file, "Kept", 4200);
    { Store store = Store::open(file, Store::Access::write); }
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%state IN (%' OR sql "
                        "LIKE '%status IN (%' OR sql LIKE '%category IN (%' OR sql LIKE "
                        "'%type IN (''call''%'")
              .getInt() == 0);
    CHECK(db.execAndGet("SELECT name FROM opportunity WHERE id = 1").getString() == "Kept");
    // The constraints still refuse what they refused.
    const auto refused = [&](const std::string& sql) {
        try {
            db.exec(sql);
        } catch (const SQLite::Exception& e) {
            return e.getErrorCode() == SQLITE_CONSTRAINT;
        }
        return false;
    };
    CHECK(refused("UPDATE opportunity SET state = 'maybe' WHERE id = 1"));
    CHECK(refused("UPDATE opportunity SET type = 'other' WHERE id = 1"));
    CHECK(refused("UPDATE stage SET category = 'hope' WHERE id = 1"));
    CHECK(refused("UPDATE stage SET state = 'maybe' WHERE id = 1"));
    CHECK(refused(
        "INSERT INTO activity (opp_id, type, subject, due_date, created_at, updated_at) VALUES "
        "(1, 'visit', 'x', '2026-12-01', '2026-11-16T09:00:00', '2026-11-16T09:00:00')"));
    CHECK(refused(
        "INSERT INTO quote (opp_id, number, currency, status, created_at, updated_at) VALUES "
        "(1, 'Q1', 'EUR', 'lost', '2026-11-16T09:00:00', '2026-11-16T09:00:00')"));
    // And accept what they accepted (the statements above fail on their checks alone).
    CHECK_NOTHROW(db.exec(
        "INSERT INTO activity (opp_id, type, subject, due_date, created_at, updated_at) VALUES "
        "(1, 'call', 'x', '2026-12-01', '2026-11-16T09:00:00', '2026-11-16T09:00:00')"));
    CHECK_NOTHROW(db.exec(
        "INSERT INTO quote (opp_id, number, currency, status, created_at, updated_at) VALUES "
        "(1, 'Q1', 'EUR', 'sent', '2026-11-16T09:00:00', '2026-11-16T09:00:00')"));
    CHECK_NOTHROW(db.exec("UPDATE stage SET category = 'commit', state = 'open' WHERE id = 1"));
    db.exec("UPDATE opportunity SET state = 'won' WHERE id = 1");
    CHECK(db.execAndGet("SELECT state FROM opportunity WHERE id = 1").getString() == "won");
}

TEST_CASE("an upgrade gives the names of an older file their folded keys") {
    TempDir dir;
    const fs::path file = dir.path / "old.db";
    { Store::open_at_version(file, 6); }
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec(
            "INSERT INTO organization (name, created_at, updated_at) VALUES ('SOCIÉTÉ GÉNÉRALE', "
            "'2026-11-16T09:00:00', '2026-11-16T09:00:00')");
    }
    Store store = Store::open(file, Store::Access::write);
    const auto found = store.parties().find_organization("société générale");
    REQUIRE(found);
    CHECK(found->name == "SOCIÉTÉ GÉNÉRALE");
    CHECK(store.parties().find_organization("Société Générale")->id == found->id);
}

TEST_CASE("two organizations whose names fold alike make the name ambiguous") {
    TempDir dir;
    const fs::path file = dir.path / "old.db";
    { Store::open_at_version(file, 6); }
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        // NOCASE, the only rule before, tells these apart.
        db.exec(
            "INSERT INTO organization (name, created_at, updated_at) VALUES ('Société', "
            "'2026-11-16T09:00:00', '2026-11-16T09:00:00'), ('SOCIÉTÉ', '2026-11-16T09:00:00', "
            "'2026-11-16T09:00:00')");
    }
    Store store = Store::open(file, Store::Access::write);
    CHECK_THROWS_AS(store.parties().find_organization("société"), Error);
    CHECK(store.parties().find_organization("2")->name == "SOCIÉTÉ");
    const auto checks = store.check();
    const auto names = std::find_if(checks.begin(), checks.end(),
                                    [](const Store::Check& c) { return c.name == "names"; });
    REQUIRE(names != checks.end());
    REQUIRE(names->problems.size() == 1);
    CHECK(names->problems[0] == "organizations 1 'Société' and 2 'SOCIÉTÉ' have the same name");
}

TEST_CASE("an upgrade makes the day a deal closed its close date and keeps the expected one") {
    TempDir dir;
    const fs::path file = dir.path / "old.db";
    { Store::open_at_version(file, 7); }
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec(
            "INSERT INTO organization (name, name_key, created_at, updated_at) VALUES ('ACME', "
            "'acme', '2026-11-01T09:00:00', '2026-11-01T09:00:00');"
            "INSERT INTO opportunity (name, org_id, amount, currency, close_date, stage_id, state, "
            "probability, type, created_at, updated_at, stage_changed_at, closed_at) VALUES "
            "('Won early', 1, 100, 'EUR', '2026-12-05', 5, 'won', 100, 'new', "
            "'2026-11-01T09:00:00', '2026-11-27T10:00:00', '2026-11-27T10:00:00', '2026-11-27'),"
            "('Open', 1, 100, 'EUR', '2026-12-05', 1, 'open', 10, 'new', "
            "'2026-11-01T09:00:00', '2026-11-01T09:00:00', '2026-11-01T09:00:00', NULL);");
    }
    Store store = Store::open(file, Store::Access::write);
    CHECK(store.deals().get(1).close_date == year{2026} / November / 27);
    CHECK(store.deals().get(2).close_date == year{2026} / December / 5);
    const auto history = store.history().of(1);
    REQUIRE(history.size() == 1);
    CHECK(history[0].field == "close_date");
    CHECK(history[0].old_value == "2026-12-05");
    CHECK(history[0].new_value == "2026-11-27");
    CHECK(history[0].changed_at == "2026-11-27T00:00:00");
}

TEST_CASE("upgrading to version 9 gives each change the time it was recorded") {
    TempDir dir;
    const fs::path file = dir.path / "old.db";
    { Store::open_at_version(file, 8); }
    insert_old_deal(file, "Backdated", 1000);  // deal 1 and its creation, 2026-11-16T09:00
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec(
            "INSERT INTO opportunity (name, org_id, amount, currency, close_date, stage_id, state, "
            "probability, type, created_at, updated_at, stage_changed_at) VALUES ('Other', 1, "
            "500, 'EUR', '2026-12-31', 1, 'open', 10, 'new', '2026-11-16T09:00:00', "
            "'2026-11-16T09:00:00', '2026-11-16T09:00:00')");
        // Deal 1: a stage move on 11-20, then a loss typed later but dated 11-18. Deal 2's
        // later change must not reach deal 1's.
        db.exec(R"sql(
INSERT INTO opportunity_history (opp_id, changed_at, field, old_value, new_value) VALUES
    (2, '2026-11-16T09:00:00', 'created', NULL, 'Other'),
    (1, '2026-11-20T10:00:00', 'stage', '1', '3'),
    (2, '2026-12-01T10:00:00', 'amount', '5.00', '6.00'),
    (1, '2026-11-18T00:00:00', 'stage', '3', '6'),
    (1, '2026-11-18T00:00:00', 'closed_at', NULL, '2026-11-18'))sql");
    }
    Store store = Store::open(file, Store::Access::write);
    std::vector<std::pair<std::string, std::string>> times;
    for (const auto& entry : store.history().of(1))
        times.emplace_back(entry.changed_at, entry.recorded_at);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"2026-11-16T09:00:00", "2026-11-16T09:00:00"},
        {"2026-11-20T10:00:00", "2026-11-20T10:00:00"},
        {"2026-11-18T00:00:00", "2026-11-20T10:00:00"},
        {"2026-11-18T00:00:00", "2026-11-20T10:00:00"},
    };
    CHECK(times == expected);
    CHECK(store.history().of(2).back().recorded_at == "2026-12-01T10:00:00");
}
