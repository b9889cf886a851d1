#pragma once
// Port: turns a password into a self-describing PHC string and checks one.
// Implemented by infra/crypto/argon2_hasher (Argon2id; bcrypt accepted for imported hashes).
#include <string>
#include <string_view>

namespace guichet {

class PasswordHasher {
public:
    virtual ~PasswordHasher() = default;
    // A PHC string such as $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
    virtual std::string hash(std::string_view password) const = 0;
    // False on a wrong password and on a malformed or unsupported hash (never throws for those).
    virtual bool verify(std::string_view phc, std::string_view password) const = 0;
    // True when the hash was made with other parameters or another algorithm than today's.
    virtual bool needs_rehash(std::string_view phc) const = 0;
    // Spends the time of a verify against a hash of today's parameters, for identifiers that
    // have no account: unknown and wrong answer alike (SPEC.md §7).
    virtual void verify_dummy(std::string_view password) const = 0;
};

}  // namespace guichet
