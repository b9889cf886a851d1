#pragma once
// The RFC 5322 text of an email, as the SMTP sender uploads it and the local mailbox folder
// stores it: Date, From, To, Subject (RFC 2047 encoded words when not plain ASCII), Message-ID,
// MIME-Version, a text/plain UTF-8 body in base64 (RFC 2045), CRLF line ends throughout.
#include <chrono>
#include <string>
#include <string_view>

#include "domain/notifications/sender.hpp"

namespace guichet::infra {

// Empty when the envelope can be written as headers; otherwise why not, without the offending
// value (it is the recipient or a header an attacker may have shaped). Refused: a recipient that
// is not one bare address (control characters such as CR/LF, spaces, '<', '>', ',', no '@'), a
// `from` with control characters, a message id with control characters or spaces.
std::string email_problem(const Envelope& envelope, std::string_view from);

// The address of `from` for SMTP's MAIL FROM: what is between <> in `"Name" <a@b.fr>`, else
// `from` itself.
std::string envelope_sender(std::string_view from);

// `Subject: ` header value: the text as is when it is short printable ASCII, otherwise RFC 2047
// `=?UTF-8?B?…?=` words of at most 75 characters that never split a UTF-8 character, folded
// onto continuation lines (CRLF SP) so no line exceeds 76 characters. Control characters in the
// text (a template's stray tab or newline) become spaces.
std::string encode_subject(std::string_view text);

// Base64 of `bytes` in lines of 76 characters, each ended by CRLF (RFC 2045 §6.8).
std::string base64_lines(std::string_view bytes);

// RFC 5322 date in UTC, "Tue, 04 Mar 2025 09:05:00 +0000", whatever the process locale.
std::string rfc5322_date(std::chrono::system_clock::time_point when);

// The whole message. `from` goes into the From header as given. Throws std::invalid_argument
// when email_problem() is not empty: callers check first and report a permanent failure.
std::string format_email(const Envelope& envelope, const std::string& from);
std::string format_email(const Envelope& envelope, const std::string& from,
                         std::chrono::system_clock::time_point date);

}  // namespace guichet::infra
