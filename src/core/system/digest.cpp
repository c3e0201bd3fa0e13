#include "funnel/system/digest.hpp"

#include <nettle/sha2.h>

#include <fstream>

#include <fmt/format.h>

namespace funnel {

namespace {

struct Hasher {
    sha256_ctx context{};
    Hasher() { sha256_init(&context); }
    void add(const char* data, std::size_t size) {
        sha256_update(&context, size, reinterpret_cast<const std::uint8_t*>(data));
    }
    std::string hex() {
        std::uint8_t digest[SHA256_DIGEST_SIZE];
        sha256_digest(&context, SHA256_DIGEST_SIZE, digest);
        std::string out;
        for (const auto byte : digest)
            out += fmt::format("{:02x}", byte);
        return out;
    }
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    Hasher hasher;
    hasher.add(bytes.data(), bytes.size());
    return hasher.hex();
}

std::optional<FileFacts> file_facts(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    Hasher hasher;
    FileFacts facts;
    char buffer[1 << 16];
    while (in) {
        in.read(buffer, sizeof buffer);
        const auto got = in.gcount();
        if (got <= 0) break;
        hasher.add(buffer, std::size_t(got));
        facts.size += got;
    }
    if (in.bad()) return std::nullopt;
    facts.sha256 = hasher.hex();
    return facts;
}

std::string_view file_status(const std::filesystem::path& path, std::int64_t size,
                             std::string_view sha256) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return "missing";
    // A different size needs no hashing.
    if (std::int64_t(std::filesystem::file_size(path, error)) != size || error) return "changed";
    const auto facts = file_facts(path);
    if (!facts) return "missing";
    return facts->sha256 == sha256 ? "ok" : "changed";
}

}  // namespace funnel
