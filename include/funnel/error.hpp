// Typed errors: the core throws these, the command line maps them to exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace funnel {

// The values are the documented exit codes.
enum class ErrorKind {
    runtime = 1,    // I/O or database failure
    invalid = 2,    // usage or invalid input
    not_found = 3,  // no such id or name
    conflict = 4,   // ambiguous name, busy database, newer data file, refused delete
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }
    int exit_code() const { return static_cast<int>(kind_); }

  private:
    ErrorKind kind_;
};

inline Error invalid_input(const std::string& message) {
    return {ErrorKind::invalid, message};
}
inline Error not_found(const std::string& message) {
    return {ErrorKind::not_found, message};
}
inline Error conflict(const std::string& message) {
    return {ErrorKind::conflict, message};
}
inline Error runtime_failure(const std::string& message) {
    return {ErrorKind::runtime, message};
}

}  // namespace funnel
