#include "funnel/formats/render.hpp"
#include "funnel/formats/csv.hpp"

#include <doctest/doctest.h>

#include <sstream>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

using namespace funnel;

namespace {
Table sample() {
    Table table{{{"id", "ID"},
                 {"name", "Name"},
                 {"amount", "Amount"},
                 {"probability", "Prob", Audience::everyone, Unit::percent},
                 {"secret", "Secret", Audience::machines},
                 {"bar", "", Audience::people}},
                {}};
    table.rows.push_back({integer_cell(1), text_cell("ACME, \"big\""), decimal_cell(1'200'050, 2),
                          integer_cell(50), null_cell(), bar_cell(1, 2)});
    table.rows.push_back({integer_cell(22), text_cell("Zoë\nline"), decimal_cell(5, 2),
                          integer_cell(0), text_cell("x\ty"), bar_cell(2, 2)});
    return table;
}
std::string render(Format format, const Table& table, RenderOptions options = {}) {
    std::ostringstream out;
    render_table(format, out, options, table);
    return out.str();
}
}  // namespace

TEST_CASE("formats by name") {
    CHECK(parse_format("JSON") == Format::json);
    CHECK(parse_format("md") == Format::markdown);
    CHECK(is_machine_format(Format::tsv));
    CHECK_FALSE(is_machine_format(Format::html));
    CHECK_THROWS_WITH(parse_format("xml"),
                      "expected table, json, jsonl, csv, tsv, markdown or html");
}

TEST_CASE("table aligns columns and right-aligns numbers") {
    RenderOptions plain;
    plain.unicode = false;
    CHECK(render(Format::table, sample(), plain) ==
          "ID  Name            Amount  Prob\n"
          "--  -----------  ---------  ----  --------------------\n"
          " 1  ACME, \"big\"  12,000.50   50%  ##########\n"
          "22  Zoë line          0.05    0%  ####################\n");
}

TEST_CASE("table uses Unicode bars and colour only when asked") {
    RenderOptions options;
    options.color = true;
    const std::string text = render(Format::table, sample(), options);
    CHECK(text.find("\u2588") != std::string::npos);
    CHECK(text.find("\x1b[1m") != std::string::npos);
    options.color = false;
    CHECK(render(Format::table, sample(), options).find('\x1b') == std::string::npos);
}

TEST_CASE("an empty table prints nothing") {
    CHECK(render(Format::table, {sample().columns, {}}).empty());
}

TEST_CASE("json carries machine columns with exact numbers and nulls") {
    CHECK(
        render(Format::json, sample()) ==
        "[\n"
        "  {\"id\": 1, \"name\": \"ACME, \\\"big\\\"\", \"amount\": 12000.5, \"probability\": 50, "
        "\"secret\": null},\n"
        "  {\"id\": 22, \"name\": \"Zoë\\nline\", \"amount\": 0.05, \"probability\": 0, "
        "\"secret\": \"x\\ty\"}\n"
        "]\n");
    CHECK(render(Format::json, {sample().columns, {}}) == "[]\n");
}

TEST_CASE("jsonl prints one compact object per line") {
    CHECK(render(Format::jsonl, sample()) ==
          "{\"id\":1,\"name\":\"ACME, "
          "\\\"big\\\"\",\"amount\":12000.5,\"probability\":50,\"secret\":null}\n"
          "{\"id\":22,\"name\":\"Zoë\\nline\",\"amount\":0.05,\"probability\":0,\"secret\":"
          "\"x\\ty\"}\n");
}

TEST_CASE("csv quotes what needs quoting") {
    CHECK(render(Format::csv, sample()) ==
          "id,name,amount,probability,secret\n"
          "1,\"ACME, \"\"big\"\"\",12000.5,50,\n"
          "22,\"Zoë\nline\",0.05,0,x\ty\n");
    CHECK(csv_field(" padded", ',') == "\" padded\"");
    CHECK(csv_field("a;b", ';') == "\"a;b\"");
    CHECK(csv_field("plain", ',') == "plain");
}

TEST_CASE("tsv escapes tabs and newlines") {
    CHECK(render(Format::tsv, sample()) ==
          "id\tname\tamount\tprobability\tsecret\n"
          "1\tACME, \"big\"\t12000.5\t50\t\n"
          "22\tZoë\\nline\t0.05\t0\tx\\ty\n");
}

TEST_CASE("markdown escapes pipes and aligns numbers right") {
    Table table{{{"name", "Name"}, {"amount", "Amount"}}, {}};
    table.rows.push_back({text_cell("a|b"), decimal_cell(123456, 2)});
    CHECK(render(Format::markdown, table) ==
          "| Name | Amount |\n| --- | ---: |\n| a\\|b | 1,234.56 |\n");
}

TEST_CASE("html is one escaped page without scripts") {
    Table table{{{"name", "Name"}}, {}};
    table.rows.push_back({text_cell("<script>alert('x')</script>&\"")});
    RenderOptions options;
    options.title = "Deals <b>";
    const std::string page = render(Format::html, table, options);
    CHECK(page.find("<script>") == std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;") !=
          std::string::npos);
    CHECK(page.find("<title>Deals &lt;b&gt;</title>") != std::string::npos);
    CHECK(page.starts_with("<!DOCTYPE html>"));
}

TEST_CASE("json strings are always valid") {
    CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json_string(std::string("\x01\x7f", 2)) == "\"\\u0001\\u007f\"");
    CHECK(json_string("\xff") == "\"\uFFFD\"");
}

TEST_CASE("a record renders as fields then sections") {
    Record record{{{"id", "ID"}, {"name", "Name"}, {"note", "Note"}},
                  {integer_cell(7), text_cell("Deal"), text_cell("two\nlines")},
                  {}};
    Table contacts{{{"name", "Name"}}, {{text_cell("Ann")}}};
    record.sections.push_back({"contacts", "Contacts", contacts});
    std::ostringstream text;
    render_record(Format::table, text, {}, record);
    CHECK(text.str() ==
          "ID    7\nName  Deal\nNote  two\n      lines\n\nContacts\nName\n----\nAnn\n");
    std::ostringstream json;
    render_record(Format::json, json, {}, record);
    CHECK(
        json.str() ==
        "{\n  \"id\": 7,\n  \"name\": \"Deal\",\n  \"note\": \"two\\nlines\",\n  \"contacts\": [\n"
        "    {\"name\": \"Ann\"}\n  ]\n}\n");
    std::ostringstream jsonl;
    render_record(Format::jsonl, jsonl, {}, record);
    CHECK(jsonl.str() ==
          "{\"id\":7,\"name\":\"Deal\",\"note\":\"two\\nlines\",\"contacts\":[{\"name\":\"Ann\"}]}"
          "\n");
}
