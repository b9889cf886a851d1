#pragma once
// Percent-encoding (RFC 3986) and HTML form bodies (application/x-www-form-urlencoded), for the
// links of messages, the redirects of the OpenID Connect provider and its form posts.
#include <map>
#include <string>
#include <string_view>

namespace guichet {

// Everything but the unreserved characters is percent-encoded, byte by byte.
std::string percent_encode(std::string_view text);
// %XX decoded, and '+' as a space when `plus_is_space` (forms and query strings); an invalid
// escape is kept as it is.
std::string percent_decode(std::string_view text, bool plus_is_space = true);
// name=value pairs separated by '&', both decoded; a repeated name keeps its first value, and
// `repeated` (when given) is set to the first repeated name (RFC 6749 §3.1: parameters must not
// be repeated).
std::map<std::string, std::string> parse_form(std::string_view body, std::string* repeated = nullptr);

}  // namespace guichet
