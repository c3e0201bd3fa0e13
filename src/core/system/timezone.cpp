#include "funnel/system/timezone.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "funnel/error.hpp"

namespace funnel {

namespace {

std::filesystem::path zone_folder() {
    const char* dir = std::getenv("TZDIR");
    return dir && *dir ? std::filesystem::path(dir) : std::filesystem::path("/usr/share/zoneinfo");
}

// A name of the database: letters, digits and "/_-+", no part that leaves the folder, and a
// compiled zone file (it starts with "TZif") behind it.
bool is_zone(const std::string& name) {
    if (name.empty() || name.size() > 64 || name.front() == '/') return false;
    for (const char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+'))
            return false;
    if (name.find("..") != std::string::npos) return false;
    std::ifstream file(zone_folder() / name, std::ios::binary);
    char magic[4] = {};
    return file.read(magic, 4) && std::string_view(magic, 4) == "TZif";
}

}  // namespace

void ZoneClock::check(const std::string& name) {
    if (!is_zone(name))
        throw invalid_input(fmt::format(
            "not a time zone of {}; expected a name such as Europe/Paris, America/Mexico_City "
            "or UTC",
            zone_folder().string()));
}

ZoneClock::ZoneClock(const std::string& name) {
    check(name);
    if (const char* tz = std::getenv("TZ")) {
        had_tz_ = true;
        saved_ = tz;
    }
    ::setenv("TZ", name.c_str(), 1);
    ::tzset();
}

ZoneClock::~ZoneClock() {
    if (had_tz_)
        ::setenv("TZ", saved_.c_str(), 1);
    else
        ::unsetenv("TZ");
    ::tzset();
}

std::string ZoneClock::from_utc(std::string_view utc) const {
    std::tm fields{};
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    const std::string text(utc);
    if (std::sscanf(text.c_str(), "%4u-%2u-%2uT%2u:%2u:%2u", &year, &month, &day, &hour, &minute,
                    &second) != 6)
        throw runtime_failure(fmt::format("not a moment: {}", text));
    fields.tm_year = int(year) - 1900;
    fields.tm_mon = int(month) - 1;
    fields.tm_mday = int(day);
    fields.tm_hour = int(hour);
    fields.tm_min = int(minute);
    fields.tm_sec = int(second);
    const std::time_t moment = ::timegm(&fields);
    std::tm local{};
    ::localtime_r(&moment, &local);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", local.tm_year + 1900,
                       local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
}

}  // namespace funnel
