#pragma once
// Port: the tokens of links sent by email (SPEC.md §2, §4): activation (15 days), password reset
// (1 hour), identifier validation (24 hours). Single use, stored as keyed hashes only.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/identities/identity_repository.hpp"

namespace guichet {

enum class LinkPurpose { activation, password_reset, email_validation };
std::string_view to_string(LinkPurpose purpose);

// What a link acts on.
struct LinkSubject {
    std::optional<AccountId> account;
    std::optional<IdentityId> identity;
    // The flow that waits for this link (the identifier switch keeps the chosen email and
    // credentials there until the email is validated).
    std::optional<std::string> flow{};
    friend bool operator==(const LinkSubject&, const LinkSubject&) = default;
};

enum class LinkState { valid, expired, used, unknown };

struct LinkUse {
    LinkState state;
    LinkSubject subject;  // when valid
};

class LinkTokenRepository {
public:
    virtual ~LinkTokenRepository() = default;
    virtual void issue(LinkPurpose purpose, const std::string& token, const LinkSubject& subject,
                       std::chrono::system_clock::time_point expires_at) = 0;
    // Uses the token once: of two parallel uses of one token, only one sees `valid`.
    virtual LinkUse consume(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) = 0;
    // The state of a token without using it (a form checks its other fields first).
    virtual LinkUse peek(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) = 0;
    // Counts one wrong answer given with this link (the secret answer of a reset) and returns the
    // count, atomically; the caller kills the link past its limit by consuming it.
    virtual int count_attempt(LinkPurpose purpose, const std::string& token) = 0;
    // Whether a link for this purpose and subject was issued after `since` (a cooldown between
    // two mails, so a form cannot be used to flood a mailbox).
    virtual bool issued_since(LinkPurpose purpose, const LinkSubject& subject, std::chrono::system_clock::time_point since) = 0;
};

}  // namespace guichet
