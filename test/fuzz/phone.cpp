// The phone parser (domain/phone.hpp, libphonenumber) on any text: what it accepts is E.164,
// parses back to itself, and its masked form shows no more than it says.
#include <string>

#include "domain/phone.hpp"
#include "fuzz.hpp"

using namespace guichet;

namespace {

std::string digits_of(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c >= '0' && c <= '9') out.push_back(c);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text_of(data, size);
    auto phone = Phone::parse(text);
    if (!phone) {
        FUZZ_CHECK(fuzz::is_refusal(phone.error(), ErrorCode::invalid_phone, "phone"));
        return 0;
    }
    const auto& e164 = phone->e164();
    FUZZ_CHECK(e164.size() >= 3 && e164.size() <= 16 && e164[0] == '+');
    FUZZ_CHECK(digits_of(e164).size() == e164.size() - 1);
    FUZZ_CHECK(!phone->region().empty());
    // What is stored is read again as the same number (member records, contacts).
    const auto again = Phone::parse(e164);
    FUZZ_CHECK(again && *again == *phone);
    FUZZ_CHECK(!phone->can_receive_sms() || e164.starts_with("+336") || e164.starts_with("+337"));
    // The masked form keeps the last two digits and hides all but four.
    const auto shown = digits_of(phone->masked());
    FUZZ_CHECK(shown.size() >= 2 && shown.size() <= 5);
    FUZZ_CHECK(e164.ends_with(shown.substr(shown.size() - 2)));
    return 0;
}
