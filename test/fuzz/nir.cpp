// The NIR parsers (domain/nir.hpp) on any text: what they accept is canonical and stable.
#include <string>

#include "domain/nir.hpp"
#include "fuzz.hpp"

using namespace guichet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text_of(data, size);

    if (auto nir = Nir::parse(text)) {
        const auto& value = nir->value();
        FUZZ_CHECK(value.size() == 15);
        FUZZ_CHECK(value.find(' ') == std::string::npos);
        const auto again = Nir::parse(value);  // the canonical form parses to itself
        FUZZ_CHECK(again && *again == *nir);
        FUZZ_CHECK(nir->body().key() == nir->key());
        FUZZ_CHECK(nir->key() >= 1 && nir->key() <= 97);
        const auto joined = Nir::from_body_and_key(nir->body(), std::to_string(nir->key()));
        FUZZ_CHECK(joined && *joined == *nir);
        const auto masked = nir->masked();  // only the sex digit, the year and the key
        FUZZ_CHECK(masked.find(value.substr(3, 10)) == std::string::npos);
        FUZZ_CHECK(masked.substr(0, 1) == value.substr(0, 1) && masked.ends_with(value.substr(13)));
        FUZZ_CHECK(typed_nir_body(text) == nir->body());
    } else {
        FUZZ_CHECK(fuzz::is_refusal(nir.error(), ErrorCode::invalid_nir, "nir"));
    }

    if (auto body = NirBody::parse(text)) {
        FUZZ_CHECK(body->value().size() == 13);
        const auto again = NirBody::parse(body->value());
        FUZZ_CHECK(again && *again == *body);
        FUZZ_CHECK(body->key() >= 1 && body->key() <= 97);
        const auto nir = Nir::from_body_and_key(*body, std::to_string(body->key()));
        FUZZ_CHECK(nir && nir->body() == *body && Nir::parse(nir->value()));
        // The other keys are refused, named after the key's own input.
        const auto wrong = Nir::from_body_and_key(*body, std::to_string(body->key() % 97 + 1));
        FUZZ_CHECK(!wrong && wrong.error().field == "nir_key");
    }

    // The key typed on its own, against a fixed valid body.
    static const auto kBody = *NirBody::parse("1840275123456");
    if (auto nir = Nir::from_body_and_key(kBody, text)) {
        FUZZ_CHECK(nir->key() == kBody.key() && nir->body() == kBody);
    } else {
        FUZZ_CHECK(nir.error().field == "nir_key");
    }
    return 0;
}
