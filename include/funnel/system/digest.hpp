// What identifies a file's content: its size and SHA-256, to notice when a document changes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace funnel {

struct FileFacts {
    std::int64_t size = 0;
    std::string sha256;  // lower-case hex
};

// The facts of a readable regular file, or nothing when it is missing or unreadable.
std::optional<FileFacts> file_facts(const std::filesystem::path& path);

std::string sha256_hex(std::string_view bytes);

// Whether a linked file is as it was: "ok", "changed" or "missing".
std::string_view file_status(const std::filesystem::path& path, std::int64_t size,
                             std::string_view sha256);

}  // namespace funnel
