// The CSV reader over any bytes, in UTF-8 and through iconv.
#include <cstdio>
#include <string>
#include <vector>

#include "funnel/formats/csv.hpp"
#include "fuzz_input.hpp"

using namespace funnel;

namespace {
void read_all(const std::uint8_t* data, std::size_t size, char delimiter, const char* encoding) {
    std::FILE* file = ::fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
    if (!file) return;
    fuzz::refusing([&] {
        CsvReader reader(file, delimiter, encoding);
        std::vector<std::string> fields;
        while (reader.next(fields)) {
            for (const auto& field : fields) {
                // A field written back reads as itself.
                if (spreadsheet_text(spreadsheet_safe(field)) != field) __builtin_trap();
            }
        }
    });
    std::fclose(file);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    read_all(data, size, 0, "");
    read_all(data, size, ';', "");
    read_all(data, size, ',', "windows-1252");
    read_all(data, size, '\t', "UTF-16");
    return 0;
}
