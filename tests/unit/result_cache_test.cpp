#include "funnel/system/result_cache.hpp"

#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "funnel/store/store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace funnel;
using namespace funnel::testing;
namespace fs = std::filesystem;

TEST_CASE("the cache of a data file is found like the data file, and can be turned off") {
    const fs::path data = "/data/pipeline.db";
    const auto folder = [&](auto... args) {
        return result_cache_file(data, args...)->parent_path();
    };
    CHECK(folder("/c", "/xdg", "/home/u") == "/c");
    CHECK(folder("", "/xdg", "/home/u") == "/xdg/funnel");
    CHECK(folder(nullptr, nullptr, "/home/u") == "/home/u/.cache/funnel");
    // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
    CHECK(folder(nullptr, "relative", "/home/u") == "/home/u/.cache/funnel");
    CHECK_FALSE(result_cache_file(data, "off", "/xdg", "/home/u"));
    CHECK_FALSE(result_cache_file(data, nullptr, nullptr, nullptr));
    // One file per data file, the same for the same file however it is named.
    const auto file = [](const fs::path& path) { return *result_cache_file(path, "/c", 0, 0); };
    CHECK(file("/data/pipeline.db") == file("/data/x/../pipeline.db"));
    CHECK(file("/data/pipeline.db") != file("/data/other.db"));
}

TEST_CASE("a result is found only for the state of the file it was kept for") {
    TempDir dir;
    const fs::path file = dir.path / "cache" / "results.json";
    {
        ResultCache cache(file, "state-1");
        CHECK_FALSE(cache.get("rates"));
        cache.put("rates", "[1, 2]");
        cache.put("backtest", "{}");
        CHECK(cache.get("rates") == "[1, 2]");
    }
    ResultCache same(file, "state-1");
    CHECK(same.get("rates") == "[1, 2]");
    CHECK(same.get("backtest") == "{}");
    ResultCache changed(file, "state-2");
    CHECK_FALSE(changed.get("rates"));
    // Keeping a result for the new state drops those of the old one.
    changed.put("rates", "[3]");
    CHECK_FALSE(ResultCache(file, "state-1").get("rates"));
    CHECK(ResultCache(file, "state-2").get("rates") == "[3]");
    CHECK_FALSE(ResultCache(file, "state-2").get("backtest"));
}

TEST_CASE("the cache is private, bounded, and anything amiss with it is a miss") {
    TempDir dir;
    const fs::path file = dir.path / "cache" / "results.json";
    ResultCache cache(file, "s");
    for (std::size_t i = 0; i <= ResultCache::max_entries; ++i)
        cache.put(std::to_string(i), "x");
    struct stat facts {};
    REQUIRE(::stat(file.c_str(), &facts) == 0);
    CHECK((facts.st_mode & 0777) == 0600);
    REQUIRE(::stat(file.parent_path().c_str(), &facts) == 0);
    CHECK((facts.st_mode & 0777) == 0700);
    // Past the bound the state starts afresh, with the last result.
    CHECK(ResultCache(file, "s").get(std::to_string(ResultCache::max_entries)) == "x");
    CHECK_FALSE(ResultCache(file, "s").get("0"));
    CHECK(fs::directory_iterator(file.parent_path()) != fs::directory_iterator());
    for (const auto& entry : fs::directory_iterator(file.parent_path()))
        CHECK(entry.path() == file);  // no file left half made

    for (const std::string damaged : {"", "{", "[]", R"({"format": "funnel-results"})",
                                      R"({"format": "funnel-results", "version": 1, "stamp": "s",
                                          "results": {"a": 1}})"}) {
        std::ofstream(file, std::ios::trunc) << damaged;
        ResultCache reread(file, "s");
        CHECK_FALSE(reread.get("a"));
        reread.put("a", "kept");
        CHECK(ResultCache(file, "s").get("a") == "kept");
    }
    // A folder it cannot write keeps nothing, and says nothing.
    ResultCache nowhere("/proc/funnel-cache/results.json", "s");
    CHECK_NOTHROW(nowhere.put("a", "b"));
    CHECK_FALSE(nowhere.get("b"));
    CHECK_FALSE(ResultCache().enabled());
}

TEST_CASE("every committed change gives the file a new state stamp, and nothing else does") {
    TempDir dir;
    const fs::path path = dir.path / "funnel.db";
    const auto stamp = [&] { return Store::open(path, Store::Access::read).state_stamp(); };
    {
        Store store = Store::open(path, Store::Access::write);
        Store::Transaction transaction(store);
        sample_deal(store, "ACME", 100);
        transaction.commit();
    }
    const auto first = stamp();
    REQUIRE(first);
    CHECK(stamp() == first);  // reads keep it
    {
        Store store = Store::open(path, Store::Access::write);
        Store::Transaction transaction(store);
        store.counts();
        transaction.commit();  // wrote nothing
    }
    CHECK(stamp() == first);
    {
        Store store = Store::open(path, Store::Access::write);
        Store::Transaction transaction(store);
        sample_deal(store, "Globex", 200);  // rolled back
    }
    CHECK(stamp() == first);
    {
        Store store = Store::open(path, Store::Access::write);
        Store::Transaction transaction(store);
        store.set_default_currency(Currency::parse("USD"));
        transaction.commit();
    }
    const auto second = stamp();
    CHECK(second != first);
    // A change by another program moves the file's time or its log's size.
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE opportunity SET amount = amount + 1");
    }
    CHECK(stamp() != second);
}

TEST_CASE("the state stamp is the file's own: dumps leave it out, checks accept it") {
    TempDir dir;
    const fs::path path = dir.path / "funnel.db";
    Store store = Store::open(path, Store::Access::write);
    {
        Store::Transaction transaction(store);
        sample_deal(store, "ACME", 100);
        transaction.commit();
    }
    std::ostringstream dump;
    store.dump().write(dump, "2026-11-16T09:00:00");
    CHECK(dump.str().find("\"key\": \"state\"") == std::string::npos);
    CHECK(dump.str().find("\"key\": \"calendar_id\"") != std::string::npos);
    for (const auto& check : store.check())
        CHECK_MESSAGE(check.problems.empty(), check.name);
}
