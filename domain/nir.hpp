#pragma once
// The NIR ("numéro de sécurité sociale", SPEC.md §1): 13 characters + a 2-digit key.
// Only the structure and the key are checked; whether the person exists is the member
// registry's business. The value is personal data: log and display masked() only.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "domain/error.hpp"

namespace guichet {

class Nir;

// The 13 characters without the key, as asked at registration step 1 (seed 003).
class NirBody {
public:
    // Spaces are stripped and "2a"/"2b" upper-cased; anything else wrong is invalid_nir, field "nir".
    static Result<NirBody> parse(std::string_view input);

    const std::string& value() const { return value_; }
    // The key this body must carry: 97 - (N mod 97), with 2A read as 19 and 2B as 18. In 1..97.
    int key() const;

    friend bool operator==(const NirBody&, const NirBody&) = default;

private:
    friend class Nir;
    explicit NirBody(std::string value) : value_(std::move(value)) {}
    std::string value_;
};

// A full NIR: body + key, the key matching the body.
class Nir {
public:
    // 15 characters once spaces are stripped; invalid_nir, field "nir".
    static Result<Nir> parse(std::string_view input);
    // The key typed separately at registration step 3 ("07" or "7"); a wrong or malformed key
    // is invalid_nir with field "nir_key", the name of that input in the API.
    static Result<Nir> from_body_and_key(const NirBody& body, std::string_view key);

    // Canonical 15 characters, no spaces, 2A/2B upper case.
    const std::string& value() const { return value_; }
    NirBody body() const;
    int key() const;
    // "1 84 •• •• ••• ••• 42": sex digit, birth year and key only, which identify nobody.
    // This is the only form that may reach logs and /v1/me.
    std::string masked() const;

    friend bool operator==(const Nir&, const Nir&) = default;

private:
    explicit Nir(std::string value) : value_(std::move(value)) {}
    std::string value_;
};

// The body of a NIR as a member types it in a form: 15 characters with its key (checked) or the
// 13 without; surrounding spaces ignored. Empty when it is neither.
std::optional<NirBody> typed_nir_body(std::string_view input);

}  // namespace guichet
