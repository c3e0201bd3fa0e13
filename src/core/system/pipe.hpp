// A pipe whose ends close with it, for the programs funnel starts (hooks, the pager).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "funnel/error.hpp"

namespace funnel {

struct Pipe {
    int read = -1, write = -1;
    // `what` says what it is for in the error: "a hook".
    explicit Pipe(std::string_view what) {
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0)
            throw runtime_failure(fmt::format("cannot run {}: {}", what, std::strerror(errno)));
        read = ends[0];
        write = ends[1];
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read >= 0) ::close(read);
        read = -1;
    }
    void close_write() {
        if (write >= 0) ::close(write);
        write = -1;
    }
};

}  // namespace funnel
