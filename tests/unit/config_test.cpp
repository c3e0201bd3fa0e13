#include "funnel/formats/config.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "funnel/error.hpp"
#include "temp_dir.hpp"

using namespace funnel;

namespace {

void write(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file) << text;
}

std::string read(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string error_of(const std::function<void()>& run) {
    try {
        run();
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid);
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("the config file is found as XDG says") {
    CHECK(*config_file_path("/x/f.toml", "/xdg", "/home/u") == "/x/f.toml");
    CHECK(*config_file_path("", "/xdg", "/home/u") == "/xdg/funnel/config.toml");
    CHECK(*config_file_path(nullptr, "relative", "/home/u") ==
          "/home/u/.config/funnel/config.toml");
    CHECK_FALSE(config_file_path(nullptr, nullptr, nullptr));
}

TEST_CASE("values are read with the line they are on, tables as dotted keys") {
    TempDir dir;
    const auto file = dir.path / "config.toml";
    write(file, "# mine\nowner = \"ann\"\npager = false\n\n[list]\nsort = \"-amount\"\n");
    const Config config = Config::load(file);
    REQUIRE(config.find("owner"));
    CHECK(config.find("owner")->text == "ann");
    CHECK(config.find("owner")->line == 2);
    CHECK(config.find("pager")->text == "false");
    CHECK(config.find("list.sort")->text == "-amount");
    CHECK(config.where("list.sort") == (file.string() + " line 6"));
    CHECK_FALSE(config.find("currency"));
    // Dotted keys at the top are the same keys.
    write(file, "list.where = \"amount > 1k\"\n");
    CHECK(Config::load(file).find("list.where")->text == "amount > 1k");
    // No file: nothing set.
    CHECK_FALSE(Config::load(dir.path / "missing.toml").find("owner"));
}

TEST_CASE("values are kept in one form") {
    CHECK(checked_config_value(config_key("currency"), "usd") == "USD");
    CHECK(checked_config_value(config_key("format"), "JSON") == "json");
    CHECK(checked_config_value(config_key("color"), "Never") == "never");
    CHECK(checked_config_value(config_key("week_start"), "Sun") == "sunday");
    CHECK(checked_config_value(config_key("pager"), "off") == "false");
    CHECK(checked_config_value(config_key("pager"), "less -R") == "less -R");
    CHECK(checked_config_value(config_key("date_order"), "MDY") == "mdy");
    CHECK(error_of([] { checked_config_value(config_key("date_order"), "ymd"); }) ==
          "expected dmy or mdy");
    CHECK(error_of([] { checked_config_value(config_key("owner"), "a\nb"); }) ==
          "must be one line");
    CHECK(error_of([] { config_key("colour"); }) == "unknown key 'colour'; did you mean 'color'?");
}

TEST_CASE("a bad file says which file, line and key") {
    TempDir dir;
    const auto file = dir.path / "config.toml";
    const auto load_error = [&](const std::string& text) {
        write(file, text);
        return error_of([&] { Config::load(file); });
    };
    CHECK(load_error("owner = \"ann\"\n\ncolr = \"never\"\n") ==
          file.string() + " line 3: unknown key 'colr'; did you mean 'color'?");
    CHECK(load_error("color = \"purple\"\n") ==
          file.string() + " line 1: color: expected auto, always or never");
    CHECK(load_error("owner = 3\n") ==
          file.string() + " line 1: owner: expected a value in quotes");
    CHECK(load_error("pager = 3\n") ==
          file.string() + " line 1: pager: expected a command in quotes, or false");
    CHECK(load_error("[list]\nsort = [1]\n") ==
          file.string() + " line 2: list.sort: expected a value in quotes");
    CHECK(load_error("owner = \n").starts_with(file.string() + " line 1: "));
    // Characters toml++ 3.3 once took to __builtin_unreachable: refused as TOML refuses them.
    CHECK(load_error("\xc3\xa9 = 1\n").starts_with(file.string() + " line 1: "));
    CHECK(load_error("\xef\xb9\xbf").starts_with(file.string() + " line 1: "));
    write(file, "owner = \"\"\"a\\\n\xef\xbb\xb7\"\"\"\n");  // a line-ending backslash
    CHECK(Config::load(file).find("owner")->text == "a\xef\xbb\xb7");
    write(file, "owner = \"Jos\xc3\xa9\" # caf\xc3\xa9\n");
    CHECK(Config::load(file).find("owner")->text == "Jos\xc3\xa9");
}

TEST_CASE("set and unset keep comments, order and other keys") {
    TempDir dir;
    const auto file = dir.path / "config.toml";
    write(file,
          "# my funnel\nowner = \"ann\"  # me\n\n# lists\n[list]\nsort = \"close\" # soonest\n");
    set_config_value(file, config_key("owner"), "Ann \"A\" Lee");
    set_config_value(file, config_key("currency"), "usd");
    set_config_value(file, config_key("list.sort"), "-amount");
    set_config_value(file, config_key("list.where"), "tag = hot");
    CHECK(read(file) ==
          "# my funnel\nowner = \"Ann \\\"A\\\" Lee\"  # me\ncurrency = \"USD\"\n\n# lists\n"
          "[list]\nwhere = \"tag = hot\"\nsort = \"-amount\" # soonest\n");
    CHECK(Config::load(file).find("owner")->text == "Ann \"A\" Lee");
    CHECK(unset_config_value(file, "owner"));
    CHECK_FALSE(unset_config_value(file, "owner"));
    CHECK(unset_config_value(file, "list.sort"));
    CHECK(read(file) ==
          "# my funnel\ncurrency = \"USD\"\n\n# lists\n[list]\nwhere = \"tag = hot\"\n");
}

TEST_CASE("set makes the file, a table at the end, and a pager turned off") {
    TempDir dir;
    const auto file = dir.path / "new" / "config.toml";
    set_config_value(file, config_key("pager"), "no");
    set_config_value(file, config_key("list.columns"), "id,name");
    set_config_value(file, config_key("color"), "always");
    CHECK(read(file) == "pager = false\ncolor = \"always\"\n\n[list]\ncolumns = \"id,name\"\n");
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}

TEST_CASE("dotted keys and inline tables") {
    TempDir dir;
    const auto file = dir.path / "config.toml";
    write(file, "list.sort = \"name\"\n[other]\n");
    set_config_value(file, config_key("list.where"), "amount > 1k");
    CHECK(read(file) == "list.sort = \"name\"\nlist.where = \"amount > 1k\"\n[other]\n");
    write(file, "list = { sort = \"name\" }\n");
    CHECK(error_of([&] { set_config_value(file, config_key("list.sort"), "id"); }) ==
          file.string() + ": list.sort is in an inline table; change it by hand");
    CHECK(read(file) == "list = { sort = \"name\" }\n");
}
