#include "domain/nir.hpp"

#include "domain/text.hpp"

#include <cstddef>

namespace guichet {
namespace {

constexpr std::size_t kBodyLength = 13;
constexpr std::size_t kNirLength = 15;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
int digit(char c) { return c - '0'; }
int two_digits(char tens, char units) { return digit(tens) * 10 + digit(units); }

// Members type the number as printed on the Carte Vitale, in groups ("1 84 02 75 123 456").
std::string without_spaces(std::string_view input) {
    std::string out;
    out.reserve(input.size());
    for (char c : input) {
        if (c != ' ') out.push_back(c);
    }
    return out;
}

// Checks the 13-character body in place (after upper-casing a Corsican 2a/2b); the error
// detail says which part is wrong without echoing the number.
Result<std::string> normalize_body(std::string body, std::string_view field) {
    auto invalid = [&](std::string detail) { return fail(ErrorCode::invalid_nir, std::move(detail), std::string(field)); };
    if (body.size() != kBodyLength) return invalid("le numéro de sécurité sociale sans clé compte 13 caractères");
    if (body[6] == 'a' || body[6] == 'b') body[6] = static_cast<char>(body[6] - 'a' + 'A');
    for (std::size_t i = 0; i < kBodyLength; ++i) {
        const bool corsica = i == 6 && body[5] == '2' && (body[6] == 'A' || body[6] == 'B');
        if (!is_digit(body[i]) && !corsica) return invalid("seuls des chiffres sont admis, et 2A ou 2B pour la Corse");
    }
    // 1/2: born in France or abroad (man/woman); 3/4: foreigners being registered; 7/8: temporary numbers (NIA).
    switch (body[0]) {
        case '1': case '2': case '3': case '4': case '7': case '8': break;
        default: return invalid("le premier chiffre (sexe) doit être 1, 2, 3, 4, 7 ou 8");
    }
    // INSEE issues 20-42 and 50-99 when the birth month is unknown or for fictitious numbers.
    const int month = two_digits(body[3], body[4]);
    const bool month_ok = (month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50;
    if (!month_ok) return invalid("mois de naissance invalide");
    // Department: any two digits, 2A or 2B. "20" is kept on purpose: Corsica was split in 1976
    // and numbers issued before still read 20; a two-digit year cannot tell those apart.
    if (body[10] == '0' && body[11] == '0' && body[12] == '0') return invalid("le numéro d'ordre 000 n'existe pas");
    return body;
}

int key_of(const std::string& body) {
    int remainder = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        // The key is computed on an integer: Corsican departments read 2A as 19 and 2B as 18.
        int d = digit(body[i]);
        if (i == 5 && (body[6] == 'A' || body[6] == 'B')) d = 1;
        if (i == 6 && body[6] == 'A') d = 9;
        if (i == 6 && body[6] == 'B') d = 8;
        remainder = (remainder * 10 + d) % 97;
    }
    return 97 - remainder;
}

std::string two_digit_key(int key) {
    return std::string{static_cast<char>('0' + key / 10), static_cast<char>('0' + key % 10)};
}

}  // namespace

Result<NirBody> NirBody::parse(std::string_view input) {
    auto body = normalize_body(without_spaces(input), "nir");
    if (!body) return std::unexpected(std::move(body.error()));
    return NirBody(std::move(*body));
}

int NirBody::key() const { return key_of(value_); }

Result<Nir> Nir::parse(std::string_view input) {
    std::string text = without_spaces(input);
    if (text.size() != kNirLength) return fail(ErrorCode::invalid_nir, "le numéro de sécurité sociale compte 15 caractères, clé comprise", "nir");
    auto body = NirBody::parse(std::string_view(text).substr(0, kBodyLength));
    if (!body) return std::unexpected(std::move(body.error()));
    if (!is_digit(text[13]) || !is_digit(text[14])) return fail(ErrorCode::invalid_nir, "la clé compte 2 chiffres", "nir");
    if (two_digits(text[13], text[14]) != body->key()) return fail(ErrorCode::invalid_nir, "la clé ne correspond pas au numéro", "nir");
    return Nir(body->value() + text.substr(kBodyLength));
}

Result<Nir> Nir::from_body_and_key(const NirBody& body, std::string_view key) {
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    int value = 0;
    if (key.empty() || key.size() > 2) return fail(ErrorCode::invalid_nir, "la clé compte 1 ou 2 chiffres", "nir_key");
    for (char c : key) {
        if (!is_digit(c)) return fail(ErrorCode::invalid_nir, "la clé compte 1 ou 2 chiffres", "nir_key");
        value = value * 10 + digit(c);
    }
    if (value != body.key()) return fail(ErrorCode::invalid_nir, "la clé ne correspond pas au numéro", "nir_key");
    return Nir(body.value() + two_digit_key(value));
}

NirBody Nir::body() const { return NirBody(value_.substr(0, kBodyLength)); }

int Nir::key() const { return two_digits(value_[13], value_[14]); }

std::string Nir::masked() const {
    return std::string{value_[0]} + " " + value_.substr(1, 2) + " •• •• ••• ••• " + value_.substr(13, 2);
}

std::optional<NirBody> typed_nir_body(std::string_view input) {
    const auto text = trim(input);
    if (auto nir = Nir::parse(text)) return nir->body();
    if (auto body = NirBody::parse(text)) return *body;
    return std::nullopt;
}

}  // namespace guichet
