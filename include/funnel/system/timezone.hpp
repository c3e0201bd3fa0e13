// Local times of an IANA time zone, for files that write their times in UTC (Salesforce's do).
#pragma once

#include <string>
#include <string_view>

namespace funnel {

// While it lives, the process's local time is that of the zone: construct it after taking any
// "now" that should stay in the system's own zone, and keep it for as short as the work that
// needs it. Reads the system's zone database (tzdata), as every C library does.
class ZoneClock {
  public:
    // Throws Error(invalid) for a name that is not a zone of the database (such as
    // "Europe/Pariss" or "../etc/passwd"), naming where it looked.
    explicit ZoneClock(const std::string& name);
    ZoneClock(const ZoneClock&) = delete;
    ZoneClock& operator=(const ZoneClock&) = delete;
    ~ZoneClock();
    // What the constructor checks, without changing anything: for options read early.
    static void check(const std::string& name);

    // "YYYY-MM-DDTHH:MM:SS" in UTC as the same form in the zone's local time, daylight saving
    // time included. The text must be in that form (callers parse first).
    std::string from_utc(std::string_view utc) const;

  private:
    std::string saved_;
    bool had_tz_ = false;
};

}  // namespace funnel
