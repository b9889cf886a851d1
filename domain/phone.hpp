#pragma once
// A phone number as members type it (SPEC.md §2: "0123456789", also +33 and spaces), stored
// in E.164. Validation relies on libphonenumber's metadata, default region FR.
#include <string>
#include <string_view>

#include "domain/error.hpp"

namespace guichet {

class Phone {
public:
    // Digits with optional spaces, dots, dashes and parentheses, and an optional leading '+'
    // (or 00) international prefix. Letters are refused rather than read as a keypad
    // ("06ABC…" would otherwise be dialled). A 10-digit national number with an overseas
    // prefix (0590/0690 Guadeloupe, 0596/0696 Martinique, 0594/0694 Guyane, 0262/0692/0693
    // Réunion, 0269/0639 Mayotte) is read in that territory's numbering plan: libphonenumber
    // alone reads it as +33, which is invalid for 069x mobiles and undeliverable for 05xx/02xx
    // lines. invalid_phone, field "phone".
    static Result<Phone> parse(std::string_view input);

    const std::string& e164() const { return e164_; }
    // ISO 3166 region of the number ("FR", "GP", "RE", "BE"…), as libphonenumber assigns it.
    const std::string& region() const { return region_; }
    // SPEC.md §2: SMS only to metropolitan French mobiles (+33 6, +33 7).
    bool can_receive_sms() const { return sms_; }
    // "06 •• •• •• 78" for +33 numbers; otherwise the international format with every digit
    // after the country code masked but the last two, e.g. "+262 ••• •• •• 12".
    std::string masked() const { return masked_; }

    friend bool operator==(const Phone&, const Phone&) = default;

private:
    Phone() = default;
    std::string e164_;
    std::string region_;
    bool sms_ = false;
    std::string masked_;
};

}  // namespace guichet
