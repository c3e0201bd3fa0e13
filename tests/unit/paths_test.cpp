#include "funnel/system/paths.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "funnel/error.hpp"
#include "temp_dir.hpp"

using namespace funnel;
namespace fs = std::filesystem;

TEST_CASE("the data file location follows --db, FUNNEL_DB, the config, XDG, then HOME") {
    const auto path = [](auto... args) { return locate_data_file(args...).path; };
    CHECK(path("/x/opt.db", "/x/env.db", "/c.db", "/xdg", "/home/u") == "/x/opt.db");
    CHECK(path("", "/x/env.db", "/c.db", "/xdg", "/home/u") == "/x/env.db");
    CHECK(path("", "", "/c.db", "/xdg", "/home/u") == "/c.db");
    CHECK(path("", "", nullptr, "/xdg", "/home/u") == "/xdg/funnel/funnel.db");
    CHECK(path("", nullptr, "", nullptr, "/home/u") == "/home/u/.local/share/funnel/funnel.db");
    // A relative XDG_DATA_HOME is ignored, as the XDG spec says.
    CHECK(path("", nullptr, nullptr, "relative", "/home/u") ==
          "/home/u/.local/share/funnel/funnel.db");
    CHECK_THROWS_AS(locate_data_file("", nullptr, nullptr, nullptr, nullptr), Error);
}

TEST_CASE("only the XDG location is the default one") {
    CHECK_FALSE(locate_data_file("/x/opt.db", nullptr, nullptr, "/xdg", "/home/u").is_default);
    CHECK_FALSE(locate_data_file("", "/x/env.db", nullptr, "/xdg", "/home/u").is_default);
    CHECK_FALSE(locate_data_file("", nullptr, "/c.db", "/xdg", "/home/u").is_default);
    CHECK(locate_data_file("", nullptr, nullptr, "/xdg", "/home/u").is_default);
    CHECK(locate_data_file("", nullptr, nullptr, nullptr, "/home/u").is_default);
}

TEST_CASE("a leading ~ in the config's paths is the home folder") {
    CHECK(expanded_home("~/crm/funnel.db", "/home/u") == "/home/u/crm/funnel.db");
    CHECK(expanded_home("~", "/home/u") == "/home/u");
    CHECK(expanded_home("/abs/~/x", "/home/u") == "/abs/~/x");
    CHECK(expanded_home("~other/x", "/home/u") == "~other/x");
    CHECK(expanded_home("~/x", nullptr) == "~/x");
}

TEST_CASE("a data file may not be created in a folder that does not exist") {
    TempDir dir;
    CHECK_NOTHROW(require_data_folder(dir.path / "funnel.db"));
    CHECK_NOTHROW(require_data_folder("funnel.db"));
    try {
        require_data_folder(dir.path / "typo" / "funnel.db");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
        CHECK(std::string(e.what()).find("typo does not exist") != std::string::npos);
    }
}

namespace {

// The id of a process that has ended.
pid_t dead_process() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

}  // namespace

TEST_CASE("files left by a process killed while making a data file are removed") {
    TempDir dir;
    const fs::path target = dir.path / "funnel.db";
    const pid_t dead = dead_process();
    const std::string abandoned = fmt::format(".funnel.db.new-{}", dead);
    const std::string live = fmt::format(".funnel.db.new-{}", ::getppid());
    for (const auto& name : {abandoned, abandoned + "-wal", abandoned + "-shm", live,
                             std::string(".other.db.new-1"), std::string("funnel.db.new-1")})
        std::ofstream(dir.path / name) << "x";
    CHECK(remove_abandoned_files(target) == 3);
    CHECK_FALSE(fs::exists(dir.path / abandoned));
    CHECK_FALSE(fs::exists(dir.path / (abandoned + "-wal")));
    CHECK(fs::exists(dir.path / live));
    CHECK(fs::exists(dir.path / ".other.db.new-1"));
    CHECK(fs::exists(dir.path / "funnel.db.new-1"));
    CHECK(remove_abandoned_files(dir.path / "missing-folder" / "funnel.db") == 0);
}
