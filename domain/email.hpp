#pragma once
// An email address as members type it: the Connect identifier and a contact channel.
// Deliberately narrower than RFC 5322 (no quoted local parts, comments or IP literals) and
// ASCII only: those forms are not deliverable by ordinary SMTP relays and are never typed by
// members in practice. Internationalised domains are accepted in their xn-- form.
#include <string>
#include <string_view>
#include <utility>

#include "domain/error.hpp"

namespace guichet {

class Email {
public:
    // Trims surrounding whitespace and lower-cases the domain; the local part is kept as typed
    // (RFC 5321 lets the receiving server tell cases apart). invalid_email, field "email".
    static Result<Email> parse(std::string_view input);

    const std::string& value() const { return value_; }
    std::string_view local_part() const;
    std::string_view domain() const;
    // The whole address lower-cased: what look-ups and uniqueness should compare, since no
    // real mailbox provider tells "Jean@" from "jean@" and members do not remember their case.
    std::string lookup_key() const;
    // "j•••@exemple.fr": first character of the local part only (logs, channel choice).
    std::string masked() const;

    friend bool operator==(const Email&, const Email&) = default;

private:
    Email(std::string value, std::size_t at) : value_(std::move(value)), at_(at) {}
    std::string value_;
    std::size_t at_;  // position of '@' in value_
};

}  // namespace guichet
