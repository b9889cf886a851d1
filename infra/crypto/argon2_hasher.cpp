#include "infra/crypto/argon2_hasher.hpp"

#include <argon2.h>
#include <crypt.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "infra/crypto/sodium.hpp"

namespace guichet::infra {
namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::uint32_t hash_bytes = 32;
constexpr std::size_t min_salt_b64_chars = 22;  // 16 bytes in unpadded base64
constexpr std::size_t hash_b64_chars = 43;      // 32 bytes

// Stored hashes carry their own cost. An imported or corrupted one asking for 4 TiB or 2^31
// passes would take the process down or hang a worker, so verify() refuses costs beyond these
// (generous for any real deployment: Kratos' 128 MiB, Keycloak's t=5, OWASP's 46 MiB all fit).
constexpr std::uint32_t max_memory_kib = 1U << 20;            // 1 GiB
constexpr std::uint32_t max_iterations = 64;
constexpr std::uint32_t max_parallelism = 64;
constexpr std::uint64_t max_memory_passes = 4ULL << 20;       // m*t: e.g. 1 GiB x 4, 128 MiB x 32
constexpr int min_bcrypt_cost = 4;
constexpr int max_bcrypt_cost = 16;                            // 2^16 rounds, ~5 s already

struct Argon2idPhc {
    std::uint32_t version;
    std::uint32_t memory_kib;
    std::uint32_t iterations;
    std::uint32_t parallelism;
    std::size_t salt_chars;  // base64 without padding
    std::size_t hash_chars;
};

bool take(std::string_view& text, std::string_view literal) {
    if (!text.starts_with(literal)) return false;
    text.remove_prefix(literal.size());
    return true;
}

std::optional<std::uint32_t> take_number(std::string_view& text) {
    // Digits only: from_chars on an unsigned type already refuses signs and spaces. Leading
    // zeros are refused too, so one set of parameters has one spelling.
    if (text.size() > 1 && text[0] == '0' && text[1] >= '0' && text[1] <= '9') return std::nullopt;
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

bool is_b64(std::string_view text) {  // PHC uses standard base64 without padding
    if (text.empty()) return false;
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/';
        if (!ok) return false;
    }
    return true;
}

// $argon2id$[v=19$]m=<m>,t=<t>,p=<p>$<salt>$<hash>, the layout libargon2 writes and reads.
std::optional<Argon2idPhc> parse_argon2id(std::string_view phc) {
    Argon2idPhc out{ARGON2_VERSION_10, 0, 0, 0, 0, 0};
    if (!take(phc, "$argon2id$")) return std::nullopt;
    if (take(phc, "v=")) {  // absent in hashes made before version 1.3, which means 0x10
        const auto version = take_number(phc);
        if (!version || !take(phc, "$")) return std::nullopt;
        out.version = *version;
    }
    if (!take(phc, "m=")) return std::nullopt;
    const auto m = take_number(phc);
    if (!m || !take(phc, ",t=")) return std::nullopt;
    const auto t = take_number(phc);
    if (!t || !take(phc, ",p=")) return std::nullopt;
    const auto p = take_number(phc);
    if (!p || !take(phc, "$")) return std::nullopt;
    const auto dollar = phc.find('$');
    if (dollar == std::string_view::npos || !is_b64(phc.substr(0, dollar)) ||
        !is_b64(phc.substr(dollar + 1)))
        return std::nullopt;
    out.memory_kib = *m;
    out.iterations = *t;
    out.parallelism = *p;
    out.salt_chars = dollar;
    out.hash_chars = phc.size() - dollar - 1;
    return out;
}

bool affordable(std::uint32_t m, std::uint32_t t, std::uint32_t p) {
    return m <= max_memory_kib && t <= max_iterations && p <= max_parallelism &&
           std::uint64_t{m} * t <= max_memory_passes;
}

// A pointer libargon2 and libsodium accept even for an empty password (a default
// string_view holds nullptr).
const char* bytes_of(std::string_view text) { return text.empty() ? "" : text.data(); }

bool verify_argon2id(std::string_view phc, std::string_view password) {
    const auto parsed = parse_argon2id(phc);
    if (!parsed || !affordable(parsed->memory_kib, parsed->iterations, parsed->parallelism))
        return false;
    const std::string encoded(phc);  // libargon2 wants a NUL-terminated string
    const int rc = argon2id_verify(encoded.c_str(), bytes_of(password), password.size());
    if (rc == ARGON2_OK) return true;
    // Running out of memory or threads says nothing about the password: do not count it as a
    // failed attempt, let the caller answer "unavailable".
    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL)
        throw std::runtime_error(std::string("argon2id verify: ") + argon2_error_message(rc));
    return false;
}

bool is_bcrypt_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '/';
}

// $2b$NN$ + 22 characters of salt + 31 of hash; libcrypt checks the rest.
std::optional<int> bcrypt_cost(std::string_view phc) {
    if (phc.size() != 60) return std::nullopt;
    if (!phc.starts_with("$2b$") && !phc.starts_with("$2a$") && !phc.starts_with("$2y$"))
        return std::nullopt;
    if (phc[4] < '0' || phc[4] > '9' || phc[5] < '0' || phc[5] > '9' || phc[6] != '$')
        return std::nullopt;
    for (const char c : phc.substr(7))
        if (!is_bcrypt_char(c)) return std::nullopt;
    return (phc[4] - '0') * 10 + (phc[5] - '0');
}

bool verify_bcrypt(std::string_view phc, std::string_view password) {
    const auto cost = bcrypt_cost(phc);
    if (!cost || *cost < min_bcrypt_cost || *cost > max_bcrypt_cost) return false;
    // crypt() reads a C string: a password with a NUL would be checked on its prefix only.
    if (password.find('\0') != std::string_view::npos) return false;
    std::string phrase(password);
    const std::string setting(phc);
    // About 32 KiB, hence the heap; value-initialised to zero as crypt_rn requires.
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
    // crypt_rn returns null (never a failure token) on error, so a null is simply "no match".
    const bool match = out != nullptr && std::strlen(out) == phc.size() &&
                       sodium_memcmp(out, phc.data(), phc.size()) == 0;
    sodium_memzero(data.get(), sizeof(crypt_data));
    sodium_memzero(phrase.data(), phrase.size());
    return match;
}

}  // namespace

// A free list of slots, one per hash that may run at once. A slot may name a core: the thread
// holding it runs there, alone among the hashes, until it gives the slot back.
class Argon2idHasher::Slots {
public:
    static constexpr int no_core = -1;
    explicit Slots(std::vector<int> cores) : free_(std::move(cores)) {}
    int acquire() {
        std::unique_lock lock(mutex_);
        freed_.wait(lock, [&] { return !free_.empty(); });
        const int core = free_.back();
        free_.pop_back();
        return core;
    }
    void release(int core) {
        {
            const std::lock_guard lock(mutex_);
            free_.push_back(core);
        }
        freed_.notify_one();
    }

private:
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<int> free_;
};

namespace {

// The cores this process may run on (its affinity mask: a container or taskset may give fewer
// than the machine has), or none when the system will not say.
std::vector<int> usable_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return {};
    std::vector<int> cores;
    for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set)) cores.push_back(static_cast<int>(cpu));
    return cores;
}

// Holds one of the hasher's slots for the duration of one hash or verification, on the slot's
// core when it names one; the thread's own set of cores comes back with the slot. Pinning is an
// optimisation only: if the system refuses it, the hash runs where the scheduler puts it.
class Slot {
public:
    explicit Slot(Argon2idHasher::Slots& slots);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

private:
    Argon2idHasher::Slots& slots_;
    int core_;
    cpu_set_t before_{};
    bool pinned_ = false;
};

}  // namespace

Slot::Slot(Argon2idHasher::Slots& slots) : slots_(slots), core_(slots.acquire()) {
    if (core_ == Argon2idHasher::Slots::no_core) return;
    if (pthread_getaffinity_np(pthread_self(), sizeof before_, &before_) != 0) return;
    cpu_set_t only;
    CPU_ZERO(&only);
    CPU_SET(static_cast<std::size_t>(core_), &only);
    pinned_ = pthread_setaffinity_np(pthread_self(), sizeof only, &only) == 0;
}

Slot::~Slot() {
    if (pinned_) pthread_setaffinity_np(pthread_self(), sizeof before_, &before_);
    slots_.release(core_);
}

namespace {

std::vector<int> slot_cores(unsigned max_parallel) {
    if (max_parallel == 0) {
        if (auto cores = usable_cores(); !cores.empty()) return cores;  // one pinned hash per core
        max_parallel = std::max(1U, std::thread::hardware_concurrency());
    }
    return std::vector<int>(std::min(max_parallel, 1024U), Argon2idHasher::Slots::no_core);
}

}  // namespace

Argon2idHasher::~Argon2idHasher() = default;

Argon2idHasher::Argon2idHasher(Argon2Params params, unsigned max_parallel)
    : params_(params), slots_(std::make_unique<Slots>(slot_cores(max_parallel))) {
    const auto& [m, t, p] = params_;
    if (t < ARGON2_MIN_TIME || p < ARGON2_MIN_LANES || std::uint64_t{m} < 8ULL * p)
        throw std::invalid_argument("Argon2id parameters: need t >= 1, p >= 1 and m >= 8*p KiB");
    // Our own hashes must pass the bounds verify() puts on stored ones.
    if (!affordable(m, t, p))
        throw std::invalid_argument("Argon2id parameters: cost above what verify() accepts");
    ensure_sodium();
    dummy_phc_ = hash("guichet: no account has this password");
}

std::string Argon2idHasher::hash(std::string_view password) const {
    std::array<unsigned char, salt_bytes> salt{};
    randombytes_buf(salt.data(), salt.size());
    const auto& [m, t, p] = params_;
    const Slot slot(*slots_);
    std::string encoded(argon2_encodedlen(t, m, p, salt_bytes, hash_bytes, Argon2_id), '\0');
    const int rc = argon2_hash(t, m, p, bytes_of(password), password.size(), salt.data(),
                               salt.size(), nullptr, hash_bytes, encoded.data(), encoded.size(),
                               Argon2_id, ARGON2_VERSION_13);
    if (rc != ARGON2_OK)
        throw std::runtime_error(std::string("argon2id hash: ") + argon2_error_message(rc));
    encoded.resize(std::strlen(encoded.c_str()));  // drop the terminating NUL and any slack
    return encoded;
}

bool Argon2idHasher::verify(std::string_view phc, std::string_view password) const {
    // The C libraries below would stop at a NUL and check a different, shorter hash string.
    if (phc.find('\0') != std::string_view::npos) return false;
    if (!phc.starts_with("$argon2id$") && !phc.starts_with("$2")) return false;
    const Slot slot(*slots_);
    return phc.starts_with("$argon2id$") ? verify_argon2id(phc, password) : verify_bcrypt(phc, password);
}

bool Argon2idHasher::needs_rehash(std::string_view phc) const {
    const auto parsed = parse_argon2id(phc);
    // A shorter salt or another output length (from an imported hash) is also brought in line.
    return !parsed || parsed->version != ARGON2_VERSION_13 ||
           parsed->memory_kib != params_.memory_kib || parsed->iterations != params_.iterations ||
           parsed->parallelism != params_.parallelism || parsed->salt_chars < min_salt_b64_chars ||
           parsed->hash_chars != hash_b64_chars;
}

void Argon2idHasher::verify_dummy(std::string_view password) const {
    static_cast<void>(verify(dummy_phc_, password));
}

}  // namespace guichet::infra
