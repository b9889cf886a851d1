#pragma once
// Standard base64 (RFC 4648 §4, with padding), as produced by `openssl rand -base64 32`.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::infra {

std::string base64_encode(std::span<const unsigned char> bytes);

// Accepts padded or unpadded standard base64 and the URL-safe alphabet; ignores spaces and line
// breaks. nullopt when the text is not base64.
std::optional<std::vector<unsigned char>> base64_decode(std::string_view text);

}  // namespace guichet::infra
