#include "domain/phone.hpp"
#include "domain/text.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <cstddef>

namespace guichet {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::size_t kMaxInput = 40;  // longest real number with generous punctuation
constexpr std::size_t kMaxE164Digits = 15;  // ITU-T E.164, country code included

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_typed_type(PhoneNumberUtil::PhoneNumberType type) {
    return type == PhoneNumberUtil::FIXED_LINE || type == PhoneNumberUtil::MOBILE ||
           type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
}

// French overseas departments share the national 10-digit plan ("0690 12 34 56") but have their
// own country codes. Their metadata only accepts their own prefixes, so trying them first cannot
// capture a metropolitan number. VoIP and other types are left to the FR reading, since
// metropolitan 09 numbers overlap some overseas VoIP ranges.
bool parse_overseas_national(const PhoneNumberUtil& util, const std::string& digits, PhoneNumber& out) {
    if (digits.size() != 10 || digits[0] != '0' || digits[1] == '0') return false;
    for (const char* region : {"GP", "MQ", "GF", "RE", "YT"}) {
        PhoneNumber candidate;
        if (util.Parse(digits, region, &candidate) != PhoneNumberUtil::NO_PARSING_ERROR) continue;
        if (util.IsValidNumber(candidate) && is_typed_type(util.GetNumberType(candidate))) {
            out = candidate;
            return true;
        }
    }
    return false;
}

// Replaces digits by '•', keeping the first `keep_front` and last `keep_back` digits and the
// formatting characters.
std::string mask_digits(const std::string& formatted, std::size_t keep_front, std::size_t keep_back) {
    std::size_t total = 0;
    for (char c : formatted) total += is_digit(c) ? 1u : 0u;
    std::string out;
    std::size_t seen = 0;
    for (char c : formatted) {
        if (!is_digit(c)) {
            out.push_back(c);
            continue;
        }
        ++seen;
        if (seen <= keep_front || seen + keep_back > total) {
            out.push_back(c);
        } else {
            out += "•";
        }
    }
    return out;
}

}  // namespace

Result<Phone> Phone::parse(std::string_view input) {
    auto invalid = [](std::string detail) { return fail(ErrorCode::invalid_phone, std::move(detail), "phone"); };
    const std::string_view text = trim(input);
    if (text.empty()) return invalid("numéro de téléphone vide");
    if (text.size() > kMaxInput) return invalid("numéro de téléphone trop long");
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_digit(c)) {
            digits.push_back(c);
        } else if (c == '+' && i == 0) {
            digits.push_back(c);
        } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
            return invalid("seuls des chiffres sont admis, avec éventuellement + au début");
        }
    }
    if (digits.empty() || digits == "+") return invalid("numéro de téléphone vide");

    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (!parse_overseas_national(util, digits, number)) {
        // The raw text, not the digits: libphonenumber understands "+33 (0)6…" and drops the (0).
        if (util.Parse(std::string(text), "FR", &number) != PhoneNumberUtil::NO_PARSING_ERROR || !util.IsValidNumber(number)) {
            return invalid("numéro de téléphone invalide");
        }
    }

    Phone phone;
    util.Format(number, PhoneNumberUtil::E164, &phone.e164_);
    // libphonenumber accepts some national numbers (German ones of up to 14 digits) that make more
    // than the 15 digits of E.164, which the stored form and SMS providers are.
    if (phone.e164_.size() > 1 + kMaxE164Digits) return invalid("numéro de téléphone trop long");
    util.GetRegionCodeForNumber(number, &phone.region_);
    std::string national;
    util.GetNationalSignificantNumber(number, &national);
    phone.sms_ = phone.region_ == "FR" && util.GetNumberType(number) == PhoneNumberUtil::MOBILE &&
                 !national.empty() && (national[0] == '6' || national[0] == '7');
    std::string formatted;
    if (number.country_code() == 33) {
        util.Format(number, PhoneNumberUtil::NATIONAL, &formatted);
        phone.masked_ = mask_digits(formatted, 2, 2);
    } else {
        util.Format(number, PhoneNumberUtil::INTERNATIONAL, &formatted);
        phone.masked_ = mask_digits(formatted, std::to_string(number.country_code()).size(), 2);
    }
    return phone;
}

}  // namespace guichet
