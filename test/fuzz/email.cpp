// The email parser (domain/email.hpp) on any text: what it accepts is trimmed, ASCII, one '@',
// its domain lower-cased, and parses back to itself.
#include <string>

#include "domain/email.hpp"
#include "domain/text.hpp"
#include "fuzz.hpp"

using namespace guichet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text_of(data, size);
    auto email = Email::parse(text);
    if (!email) {
        FUZZ_CHECK(fuzz::is_refusal(email.error(), ErrorCode::invalid_email, "email"));
        return 0;
    }
    const auto& value = email->value();
    FUZZ_CHECK(!value.empty() && value.size() <= 254);
    FUZZ_CHECK(ascii_lower(text).find(email->lookup_key()) != std::string::npos);  // what was typed, trimmed
    for (char c : value) FUZZ_CHECK(c > ' ' && c < 0x7f);
    FUZZ_CHECK(value.find('@') == email->local_part().size() && value.rfind('@') == value.find('@'));
    FUZZ_CHECK(!email->local_part().empty() && email->local_part().size() <= 64);
    FUZZ_CHECK(email->domain().find('.') != std::string_view::npos);
    for (char c : email->domain()) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    const auto again = Email::parse(value);
    FUZZ_CHECK(again && *again == *email);
    // The look-up key is itself an address that looks itself up.
    const auto key = Email::parse(email->lookup_key());
    FUZZ_CHECK(key && key->lookup_key() == email->lookup_key() && key->value() == email->lookup_key());
    const auto masked = email->masked();
    FUZZ_CHECK(masked.ends_with("@" + std::string(email->domain())));
    FUZZ_CHECK(masked.substr(0, 1) == value.substr(0, 1));
    return 0;
}
