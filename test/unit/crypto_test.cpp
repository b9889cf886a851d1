// Password hashing (Argon2id, imported bcrypt) and encryption at rest of the NIR (SPEC.md §4, §7).
#include <crypt.h>
#include <sodium.h>

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "infra/crypto/argon2_hasher.hpp"
#include "infra/crypto/base64.hpp"
#include "infra/crypto/data_cipher.hpp"

using guichet::infra::Argon2idHasher;
using guichet::infra::Argon2Params;
using guichet::infra::DataCipher;

namespace {

const Argon2Params fast{1024, 1, 1};  // m=1 MiB, t=1: keeps the suite quick

// Made with the reference CLI (apt package argon2), independent of our code:
//   echo -n 'Motdepasse!2024' | argon2 guichetsaltvalue -id -t 1 -k 1024 -p 1 -l 32 -e
const std::string cli_fast = "$argon2id$v=19$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM";
//   echo -n 'Motdepasse!2024' | argon2 guichetsaltvalue -id -t 2 -k 19456 -p 1 -l 32 -e
const std::string cli_default = "$argon2id$v=19$m=19456,t=2,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$eaFTYY1P3nyZ7BE6m5VBEkVx8jYbD7OEXkIwlIQvg48";
// Same, -i (Argon2i) and -v 10 (version 1.0): valid PHC strings we must not accept as current.
const std::string cli_argon2i = "$argon2i$v=19$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$c1z643a06H6reRl5iIDDBnB/p7e8AAiRbgU54HUCNbs";
const std::string cli_v16 = "$argon2id$v=16$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$LiG7UPdyIi9AoIZe6hUk/Wftu7E+NdnEjE/s2YH32qI";
const std::string cli_password = "Motdepasse!2024";

// OpenBSD / John the Ripper bcrypt test vector: "U*U".
const std::string bcrypt_vector = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

// A bcrypt hash made here by libcrypt, as the legacy portal would have stored it.
std::string make_bcrypt(const std::string& password, const char* prefix) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    REQUIRE(crypt_gensalt_rn(prefix, 5, nullptr, 0, salt, sizeof salt) != nullptr);
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
    REQUIRE(out != nullptr);
    return out;
}

}  // namespace

TEST_CASE("Argon2id hash round-trips and refuses a wrong password", "[crypto]") {
    const Argon2idHasher hasher(fast);
    const std::string phc = hasher.hash("Correct-Horse-9");
    CHECK(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
    CHECK(hasher.verify(phc, "Correct-Horse-9"));
    CHECK_FALSE(hasher.verify(phc, "Correct-Horse-8"));
    CHECK_FALSE(hasher.verify(phc, "correct-horse-9"));
    CHECK_FALSE(hasher.verify(phc, ""));
    CHECK_FALSE(hasher.needs_rehash(phc));
}

TEST_CASE("Argon2id salts every hash, so equal passwords give different hashes", "[crypto]") {
    const Argon2idHasher hasher(fast);
    const std::string a = hasher.hash("Same-Password-1");
    const std::string b = hasher.hash("Same-Password-1");
    CHECK(a != b);
    CHECK(hasher.verify(a, "Same-Password-1"));
    CHECK(hasher.verify(b, "Same-Password-1"));
}

TEST_CASE("Argon2id handles empty, long and NUL-containing passwords exactly", "[crypto]") {
    const Argon2idHasher hasher(fast);
    const std::string empty = hasher.hash("");
    CHECK(hasher.verify(empty, ""));
    CHECK_FALSE(hasher.verify(empty, " "));

    const std::string long_password(1000, 'x');
    const std::string long_hash = hasher.hash(long_password);
    CHECK(hasher.verify(long_hash, long_password));
    CHECK_FALSE(hasher.verify(long_hash, std::string(999, 'x')));  // no bcrypt-style truncation

    const std::string with_nul("ab\0cd", 5);
    const std::string nul_hash = hasher.hash(with_nul);
    CHECK(hasher.verify(nul_hash, with_nul));
    CHECK_FALSE(hasher.verify(nul_hash, "ab"));
}

TEST_CASE("Argon2id hashes are readable by another implementation (libsodium)", "[crypto]") {
    const Argon2idHasher hasher(fast);
    const std::string phc = hasher.hash("Interop-Check-7");
    CHECK(crypto_pwhash_str_verify(phc.c_str(), "Interop-Check-7", 15) == 0);
    CHECK(crypto_pwhash_str_verify(phc.c_str(), "Interop-Check-8", 15) != 0);
}

TEST_CASE("Argon2id verifies known-answer vectors of the reference CLI", "[crypto]") {
    const Argon2idHasher hasher(fast);
    CHECK(hasher.verify(cli_fast, cli_password));
    CHECK_FALSE(hasher.verify(cli_fast, "Motdepasse!2025"));
    // Version 1.0 argon2id hashes still verify, but are due for a rehash.
    CHECK(hasher.verify(cli_v16, cli_password));
    CHECK(hasher.needs_rehash(cli_v16));
    // Only argon2id and bcrypt are accepted (SPEC.md §4): argon2i is refused.
    CHECK_FALSE(hasher.verify(cli_argon2i, cli_password));
}

TEST_CASE("Argon2id with the production defaults hashes, verifies and needs no rehash", "[crypto]") {
    const Argon2idHasher hasher;  // m=19456, t=2, p=1
    CHECK(hasher.params().memory_kib == 19456);
    CHECK(hasher.verify(cli_default, cli_password));
    CHECK_FALSE(hasher.needs_rehash(cli_default));
    const std::string phc = hasher.hash("Defaults-Are-Fine-3");
    CHECK(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    CHECK(hasher.verify(phc, "Defaults-Are-Fine-3"));
    CHECK_FALSE(hasher.needs_rehash(phc));
    CHECK(hasher.needs_rehash(cli_fast));
}

TEST_CASE("needs_rehash is true for any other parameters or algorithm", "[crypto]") {
    const Argon2idHasher hasher(fast);
    const std::string current = hasher.hash("Rehash-Me-1");
    CHECK_FALSE(hasher.needs_rehash(current));
    CHECK(Argon2idHasher({2048, 1, 1}).needs_rehash(current));  // other memory
    CHECK(Argon2idHasher({1024, 2, 1}).needs_rehash(current));  // other iterations
    CHECK(Argon2idHasher({1024, 1, 2}).needs_rehash(current));  // other parallelism
    CHECK(hasher.needs_rehash(bcrypt_vector));
    CHECK(hasher.needs_rehash(cli_argon2i));
    CHECK(hasher.needs_rehash(""));
    CHECK(hasher.needs_rehash("$argon2id$v=19$m=1024,t=1,p=1"));
    CHECK(hasher.needs_rehash("$argon2id$v=19$m=01024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM"));
}

TEST_CASE("Argon2id parameters are checked at construction", "[crypto]") {
    CHECK_THROWS_AS((Argon2idHasher({1024, 0, 1})), std::invalid_argument);
    CHECK_THROWS_AS((Argon2idHasher({1024, 1, 0})), std::invalid_argument);
    CHECK_THROWS_AS((Argon2idHasher({7, 1, 1})), std::invalid_argument);
    CHECK_THROWS_AS((Argon2idHasher({(1U << 20) + 1, 1, 1})), std::invalid_argument);
}

TEST_CASE("imported bcrypt hashes ($2b$, $2a$, $2y$) verify and are due for a rehash", "[crypto]") {
    const Argon2idHasher hasher(fast);
    for (const char* prefix : {"$2b$", "$2a$", "$2y$"}) {
        INFO(prefix);
        const std::string legacy = make_bcrypt("Ancien-Mot-2019", prefix);
        REQUIRE(legacy.starts_with(std::string(prefix) + "05$"));
        CHECK(hasher.verify(legacy, "Ancien-Mot-2019"));
        CHECK_FALSE(hasher.verify(legacy, "Ancien-Mot-2018"));
        CHECK_FALSE(hasher.verify(legacy, ""));
        CHECK(hasher.needs_rehash(legacy));
    }
    CHECK(hasher.verify(bcrypt_vector, "U*U"));
    CHECK_FALSE(hasher.verify(bcrypt_vector, "U*V"));
    // crypt() stops at a NUL: "U*U\0x" must not pass as "U*U".
    CHECK_FALSE(hasher.verify(bcrypt_vector, std::string("U*U\0x", 5)));
}

TEST_CASE("a stored hash asking for an absurd cost is refused at once", "[crypto]") {
    const Argon2idHasher hasher(fast);
    // Refused by parsing, before any work: a regression here hangs or exhausts memory.
    CHECK_FALSE(hasher.verify("$argon2id$v=19$m=4294967295,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM", "x"));
    CHECK_FALSE(hasher.verify("$argon2id$v=19$m=1024,t=4294967295,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM", "x"));
    CHECK_FALSE(hasher.verify("$argon2id$v=19$m=1048576,t=64,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM", "x"));
    CHECK_FALSE(hasher.verify("$argon2id$v=19$m=1024,t=1,p=16777215$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM", "x"));
    CHECK_FALSE(hasher.verify("$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"));
    CHECK_FALSE(hasher.verify("$2b$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"));
}

TEST_CASE("verify returns false, without throwing, on malformed hashes", "[crypto]") {
    const Argon2idHasher hasher(fast);
    const std::vector<std::string> garbage = {
        "", "$", "$$$$", "$argon2id$", "$argon2id$v=19$", "$argon2id$v=19$m=1024,t=1,p=1$",
        "$argon2id$v=19$m=1024,t=1,p=1$$", "$argon2id$v=19$m=,t=,p=$a$b",
        "$argon2id$v=19$m=-1,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM",
        "$argon2id$v=19$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM$extra",
        "$argon2id$v=19$m=1024,t=1,p=1$c2hvcnQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM",  // 5-byte salt
        "$argon2id$v=19$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$AAA",  // 2-byte hash
        "$argon2id$v=99$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM",
        "$argon2d$v=19$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM",
        "$2b$", "$2b$05$", "$2b$05$short", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!",
        "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "$6$salt$x", "plaintext", "Motdepasse!2024",
        std::string("$argon2id$v=19$m=1024,t=1,p=1$Z3VpY2hldHNhbHR2YWx1ZQ$sOzhp13Pd0gEio7M18PTGTMwu4vBL53ZhG9K5U2ZYSM\0junk", 100),
        std::string(10000, '$'), std::string(100000, 'A'),
    };
    for (const auto& phc : garbage) {
        INFO(phc.substr(0, 100));
        bool result = true;
        CHECK_NOTHROW(result = hasher.verify(phc, cli_password));
        CHECK_FALSE(result);
        CHECK(hasher.needs_rehash(phc));
    }
}

TEST_CASE("verify survives every truncation and single-byte change of valid hashes", "[crypto]") {
    const Argon2idHasher hasher(fast);
    const std::vector<std::pair<std::string, std::string>> valid = {
        {cli_fast, cli_password}, {bcrypt_vector, "U*U"}};
    for (const auto& [phc, password] : valid) {
        for (std::size_t length = 0; length < phc.size(); ++length) {
            INFO(phc.substr(0, length));
            CHECK_FALSE(hasher.verify(phc.substr(0, length), password));
        }
        for (std::size_t i = 0; i < phc.size(); ++i) {
            for (const char replacement : {'\0', '$', ',', '9', 'A', '\xff'}) {
                std::string mutated = phc;
                if (mutated[i] == replacement) continue;
                mutated[i] = replacement;
                INFO(mutated);
                bool result = true;
                CHECK_NOTHROW(result = hasher.verify(mutated, password));
                // Any changed character, in salt, hash or parameters, must fail (libargon2 also
                // refuses non-zero padding bits in the last base64 character).
                CHECK_FALSE(result);
            }
        }
    }
}

TEST_CASE("verify never throws or crashes on random strings", "[crypto]") {
    const Argon2idHasher hasher(fast);
    std::mt19937 random(20240611);  // fixed seed: a failure replays
    const std::string alphabet = "$argon2idbvmtp=,0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/.";
    const std::vector<std::string> prefixes = {"", "$argon2id$", "$argon2id$v=19$", "$argon2id$v=19$m=1024,t=1,p=1$",
                                               "$2b$", "$2b$05$", "$2a$04$", "$2y$"};
    for (int round = 0; round < 3000; ++round) {
        std::string phc = prefixes[random() % prefixes.size()];
        const std::size_t length = random() % 80;
        for (std::size_t i = 0; i < length; ++i)
            phc += (random() % 4 == 0) ? static_cast<char>(random() % 256) : alphabet[random() % alphabet.size()];
        INFO(phc);
        CHECK_NOTHROW(hasher.verify(phc, "password"));
        CHECK_NOTHROW(hasher.needs_rehash(phc));
    }
}

TEST_CASE("verify_dummy does the work of a real verify: today's parameters", "[crypto]") {
    // No timing assertion (noisy machines): the dummy hash is made with the current parameters,
    // so checking against it is the same Argon2id computation as a real wrong-password check.
    const Argon2idHasher hasher(fast);
    CHECK_FALSE(hasher.needs_rehash(hasher.dummy_hash()));
    CHECK_FALSE(hasher.verify(hasher.dummy_hash(), "Wrong-Password-1"));
    CHECK_NOTHROW(hasher.verify_dummy("Wrong-Password-1"));
}

namespace {

// The cores thread `tid` may run on.
std::vector<int> cores_of(pid_t tid) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(tid, sizeof set, &set) != 0) return {};
    std::vector<int> cores;
    for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set)) cores.push_back(static_cast<int>(cpu));
    return cores;
}

}  // namespace

TEST_CASE("hashes from more threads than cores each run alone on a core, and every thread gets its cores back", "[crypto]") {
    // m = 16 MiB, t = 2: long enough for the watcher below to see the hashes running.
    const Argon2idHasher hasher({16384, 2, 1});
    const auto usable = cores_of(0);
    REQUIRE_FALSE(usable.empty());
    const auto phc = hasher.hash("Motdepasse!2024");
    const int threads = static_cast<int>(usable.size()) * 2 + 1;
    std::vector<std::atomic<pid_t>> tids(static_cast<std::size_t>(threads));
    std::atomic<int> done{0}, verified{0}, restored{0};
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
        workers.emplace_back([&, i] {
            tids[static_cast<std::size_t>(i)] = static_cast<pid_t>(syscall(SYS_gettid));
            const auto before = cores_of(0);
            if (hasher.verify(phc, "Motdepasse!2024")) ++verified;
            if (cores_of(0) == before) ++restored;
            ++done;
        });
    // Watch: a thread pinned to one core is hashing; no two at once on the same core, never more
    // than one per usable core.
    bool clash = false;
    std::size_t most_pinned = 0;
    while (done < threads) {
        std::vector<int> pinned;
        for (auto& tid : tids)
            if (const pid_t t = tid.load(); t != 0)
                if (const auto cores = cores_of(t); cores.size() == 1) pinned.push_back(cores[0]);
        std::sort(pinned.begin(), pinned.end());
        clash = clash || std::adjacent_find(pinned.begin(), pinned.end()) != pinned.end();
        most_pinned = std::max(most_pinned, pinned.size());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (auto& w : workers) w.join();
    CHECK(verified == threads);
    CHECK(restored == threads);
    CHECK_FALSE(clash);
    CHECK(most_pinned <= usable.size());
    if (usable.size() > 1) CHECK(most_pinned >= 1);  // seen at work (a single core: pinned always)
}

TEST_CASE("DataCipher seals and opens with the same associated data", "[crypto]") {
    DataCipher::Key key{};
    randombytes_buf(key.data(), key.size());
    const DataCipher cipher(key);
    const std::string nir = "185057800608436";
    const std::string sealed = cipher.encrypt(nir, "member:42:nir");
    CHECK(sealed.size() == DataCipher::nonce_bytes + nir.size() + DataCipher::tag_bytes);
    CHECK(sealed.find(nir) == std::string::npos);
    const auto opened = cipher.decrypt(sealed, "member:42:nir");
    REQUIRE(opened);
    CHECK(*opened == nir);

    const std::string empty = cipher.encrypt("", "");
    CHECK(empty.size() == DataCipher::nonce_bytes + DataCipher::tag_bytes);
    CHECK(cipher.decrypt(empty, "") == std::optional<std::string>(""));

    const std::string binary("\0\x01\xff", 3);
    CHECK(cipher.decrypt(cipher.encrypt(binary, "ad"), "ad") == binary);
}

TEST_CASE("DataCipher uses a fresh nonce for every encryption", "[crypto]") {
    DataCipher::Key key{};
    randombytes_buf(key.data(), key.size());
    const DataCipher cipher(key);
    const std::string a = cipher.encrypt("185057800608436", "ad");
    const std::string b = cipher.encrypt("185057800608436", "ad");
    CHECK(a != b);
    CHECK(a.substr(0, DataCipher::nonce_bytes) != b.substr(0, DataCipher::nonce_bytes));
}

TEST_CASE("DataCipher refuses tampered, truncated or misplaced ciphertexts", "[crypto]") {
    DataCipher::Key key{};
    randombytes_buf(key.data(), key.size());
    const DataCipher cipher(key);
    const std::string sealed = cipher.encrypt("185057800608436", "member:42:nir");

    for (std::size_t i = 0; i < sealed.size(); ++i) {  // nonce, ciphertext and tag are all covered
        std::string tampered = sealed;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
        INFO("byte " << i);
        CHECK_FALSE(cipher.decrypt(tampered, "member:42:nir"));
    }
    CHECK_FALSE(cipher.decrypt(sealed, "member:43:nir"));  // moved to another row
    CHECK_FALSE(cipher.decrypt(sealed, ""));
    CHECK_FALSE(cipher.decrypt(sealed.substr(0, sealed.size() - 1), "member:42:nir"));
    CHECK_FALSE(cipher.decrypt(sealed + "x", "member:42:nir"));
    for (std::size_t length = 0; length < DataCipher::nonce_bytes + DataCipher::tag_bytes; ++length)
        CHECK_FALSE(cipher.decrypt(sealed.substr(0, length), "member:42:nir"));
    CHECK_FALSE(cipher.decrypt(std::string_view{}, ""));

    DataCipher::Key other_key = key;
    other_key[0] ^= 1;
    CHECK_FALSE(DataCipher(other_key).decrypt(sealed, "member:42:nir"));
}

TEST_CASE("DataCipher blind index is deterministic, keyed and not the encryption key", "[crypto]") {
    DataCipher::Key key{};
    randombytes_buf(key.data(), key.size());
    const DataCipher cipher(key);
    const std::string index = cipher.blind_index("185057800608436");
    CHECK(index.size() == DataCipher::index_bytes);
    CHECK(index == cipher.blind_index("185057800608436"));
    CHECK(index == DataCipher(key).blind_index("185057800608436"));
    CHECK(index != cipher.blind_index("185057800608437"));
    CHECK(cipher.blind_index("").size() == DataCipher::index_bytes);

    DataCipher::Key other_key = key;
    other_key[31] ^= 0x80;
    CHECK(DataCipher(other_key).blind_index("185057800608436") != index);

    // Not an unkeyed hash, and not keyed with the master key itself.
    std::string unkeyed(32, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(unkeyed.data()), 32,
                       reinterpret_cast<const unsigned char*>("185057800608436"), 15, nullptr, 0);
    CHECK(index != unkeyed);
    std::string master_keyed(32, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(master_keyed.data()), 32,
                       reinterpret_cast<const unsigned char*>("185057800608436"), 15, key.data(), key.size());
    CHECK(index != master_keyed);
}

TEST_CASE("DataCipher derives its subkeys with the documented KDF context", "[crypto]") {
    // Pins the on-disk format: stored NIRs stay readable only if derivation never changes.
    DataCipher::Key key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i);
    unsigned char index_key[32];
    crypto_kdf_derive_from_key(index_key, sizeof index_key, 2, "guichet1", key.data());
    std::string expected(32, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(expected.data()), 32,
                       reinterpret_cast<const unsigned char*>("185057800608436"), 15, index_key, sizeof index_key);
    CHECK(DataCipher(key).blind_index("185057800608436") == expected);

    unsigned char encryption_key[32];
    crypto_kdf_derive_from_key(encryption_key, sizeof encryption_key, 1, "guichet1", key.data());
    const std::string sealed = DataCipher(key).encrypt("185057800608436", "ad");
    std::string opened(15, '\0');
    unsigned long long length = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
    REQUIRE(crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char*>(opened.data()), &length, nullptr, bytes + 24, sealed.size() - 24,
                reinterpret_cast<const unsigned char*>("ad"), 2, bytes, encryption_key) == 0);
    CHECK(opened == "185057800608436");
}

TEST_CASE("base64 decodes the forms operators paste and rejects the rest", "[crypto]") {
    using guichet::infra::base64_decode;
    using guichet::infra::base64_encode;
    const std::vector<unsigned char> bytes = {0xfb, 0xff, 0x00, 0x41};
    CHECK(base64_encode(bytes) == "+/8AQQ==");
    CHECK(base64_decode("+/8AQQ==") == bytes);
    CHECK(base64_decode("+/8AQQ") == bytes);
    CHECK(base64_decode("-_8AQQ==") == bytes);
    CHECK(base64_decode("+/8A\nQQ==\n") == bytes);
    CHECK(base64_decode("") == std::vector<unsigned char>{});
    CHECK_FALSE(base64_decode("+/8AQQ==x"));
    CHECK_FALSE(base64_decode("not base64!"));
    CHECK_FALSE(base64_decode("===="));
}

// libsodium 1.0.18 decodes every byte from 0x80 up as '/' (or '_'): a key pasted with a stray
// non-ASCII character (a non-breaking space) must be refused, not read as other bytes.
TEST_CASE("base64 keys with bytes outside the alphabet are refused", "[crypto]") {
    const std::string key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA";
    REQUIRE(guichet::infra::base64_decode(key));
    CHECK(guichet::infra::base64_decode(" " + key + "\n"));  // white space around it is fine
    auto respelled = key;
    respelled[10] = '\xc8';  // where '/' would decode
    CHECK_FALSE(guichet::infra::base64_decode(respelled));
    CHECK_FALSE(guichet::infra::base64_decode("\xc2\xa0" + key));
    CHECK_FALSE(guichet::infra::base64_decode(key + "\xff"));
}
