#pragma once
#include <pqxx/row>
#include <pqxx/transaction_base>

#include "domain/members/member_repository.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

// Stores the NIR encrypted (associated data: its blind index, so a ciphertext copied onto another
// row does not decrypt) and finds it by blind index.
class PgMemberRepository final : public MemberRepository {
public:
    PgMemberRepository(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    UpsertOutcome upsert(const Member& member) override;
    std::optional<Member> find_by_nir(const Nir& nir) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

// A member from a row holding the columns of member_find_by_nir (by name), whose NIR the
// caller has already decrypted.
Member member_from_row(const pqxx::row& row, const Nir& nir);

}  // namespace guichet::infra
