#include "funnel/domain/party.hpp"

#include "funnel/error.hpp"

namespace funnel {

void validate_email(std::string_view email) {
    const auto at = email.find('@');
    const bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
                    email.find('@', at + 1) == std::string_view::npos &&
                    email.find_first_of(" \t\r\n<>,;") == std::string_view::npos;
    if (!ok) throw invalid_input("expected an address like name@example.com");
}

}  // namespace funnel
