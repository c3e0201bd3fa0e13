#include "funnel/paths.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"

using namespace funnel;

TEST_CASE("the data file location follows --db then FUNNEL_DB then XDG then HOME") {
    CHECK(data_file_path("/x/opt.db", "/x/env.db", "/xdg", "/home/u") == "/x/opt.db");
    CHECK(data_file_path("", "/x/env.db", "/xdg", "/home/u") == "/x/env.db");
    CHECK(data_file_path("", "", "/xdg", "/home/u") == "/xdg/funnel/funnel.db");
    CHECK(data_file_path("", nullptr, nullptr, "/home/u") ==
          "/home/u/.local/share/funnel/funnel.db");
    // A relative XDG_DATA_HOME is ignored, as the XDG spec says.
    CHECK(data_file_path("", nullptr, "relative", "/home/u") ==
          "/home/u/.local/share/funnel/funnel.db");
    CHECK_THROWS_AS(data_file_path("", nullptr, nullptr, nullptr), Error);
}
