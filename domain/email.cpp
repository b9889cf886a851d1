#include "domain/email.hpp"
#include "domain/text.hpp"

#include <cstring>

namespace guichet {
namespace {

constexpr std::size_t kMaxLocalPart = 64;   // RFC 5321 §4.5.3.1.1
constexpr std::size_t kMaxAddress = 254;    // RFC 5321 path limit minus the angle brackets
constexpr std::size_t kMaxLabel = 63;       // RFC 1035

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 5322 "atext": letters, digits and these symbols; dots separate atoms.
bool is_atext(char c) { return is_alnum(c) || (c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr); }

bool valid_local_part(std::string_view local) {
    if (local.empty() || local.size() > kMaxLocalPart) return false;
    if (local.front() == '.' || local.back() == '.') return false;
    char previous = '\0';
    for (char c : local) {
        if (c == '.' ? previous == '.' : !is_atext(c)) return false;
        previous = c;
    }
    return true;
}

bool valid_domain(std::string_view domain) {
    if (domain.find('.') == std::string_view::npos) return false;  // "localhost"-style hosts are not members' mailboxes
    std::string_view last_label;
    while (true) {
        const std::size_t dot = domain.find('.');
        const std::string_view label = domain.substr(0, dot);
        if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            if (!is_alnum(c) && c != '-') return false;
        }
        last_label = label;
        if (dot == std::string_view::npos) break;
        domain.remove_prefix(dot + 1);
    }
    // A top-level domain always has a letter; an all-digit one would be an IP address.
    for (char c : last_label) {
        if (is_alpha(c)) return true;
    }
    return false;
}

}  // namespace

Result<Email> Email::parse(std::string_view input) {
    const std::string_view text = trim(input);
    auto invalid = [](std::string detail) { return fail(ErrorCode::invalid_email, std::move(detail), "email"); };
    if (text.empty()) return invalid("adresse email vide");
    if (text.size() > kMaxAddress) return invalid("adresse email trop longue (254 caractères au plus)");
    const std::size_t at = text.find('@');
    if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
        return invalid("une adresse email contient un seul @");
    }
    const std::string_view local = text.substr(0, at);
    const std::string_view domain = text.substr(at + 1);
    if (!valid_local_part(local)) return invalid("partie avant le @ invalide");
    if (!valid_domain(domain)) return invalid("domaine invalide");
    std::string value(text);
    for (std::size_t i = at + 1; i < value.size(); ++i) value[i] = to_lower(value[i]);
    return Email(std::move(value), at);
}

std::string_view Email::local_part() const { return std::string_view(value_).substr(0, at_); }

std::string_view Email::domain() const { return std::string_view(value_).substr(at_ + 1); }

std::string Email::lookup_key() const {
    std::string key = value_;
    for (char& c : key) c = to_lower(c);
    return key;
}

std::string Email::masked() const { return value_.substr(0, 1) + "•••@" + std::string(domain()); }

}  // namespace guichet
