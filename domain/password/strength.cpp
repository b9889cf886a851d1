#include "domain/password/strength.hpp"

#include <zxcvbn.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <iterator>

#include "domain/birth_date.hpp"
#include "domain/folding.hpp"

namespace guichet {
namespace {

constexpr std::size_t kMinWordLength = 3;  // shorter words would match everywhere and mean nothing
// No real name, email, date or NIR is longer; a bigger field is ignored rather than fed to
// zxcvbn, whose cost grows with the number of words (the gauge is called on every keystroke).
constexpr std::size_t kMaxContextField = 254;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void add_word(std::vector<std::string>& words, std::string word) {
    if (word.size() < kMinWordLength) return;
    if (std::find(words.begin(), words.end(), word) == words.end()) words.push_back(std::move(word));
}

// Lower case, accents kept ("Émilie" → "émilie"): zxcvbn only folds ASCII case.
std::string lower_latin(std::string_view text) {
    const auto decoded = decode_utf8(text);
    if (!decoded) return {};
    std::string out;
    for (char32_t c : *decoded) {
        if (classify(c) == CharacterClass::upper) {
            if (c <= U'Z') c += 0x20;                           // A-Z
            else if (c <= 0xDE) c += 0x20;                      // À-Þ
            else if (c == 0x178) c = 0xFF;                      // Ÿ
            else c += 1;                                        // Latin Extended-A pairs
        }
        append_utf8(out, c);
    }
    return out;
}

// "Jean-Pierre" → jean-pierre, jeanpierre, jean, pierre (and the same as typed).
void add_name(std::vector<std::string>& words, std::string_view name) {
    add_word(words, std::string(name));
    add_word(words, lower_latin(name));
    const std::string folded = fold_accents(name);
    add_word(words, folded);
    std::string joined, part;
    for (char c : folded + " ") {
        if (c == ' ' || c == '-' || c == '\'' || c == '.' || c == '_' || c == '+') {
            add_word(words, part);
            part.clear();
        } else {
            part.push_back(c);
            joined.push_back(c);
        }
    }
    add_word(words, joined);
}

void add_email(std::vector<std::string>& words, std::string_view email) {
    const std::size_t at = email.find('@');
    add_name(words, email.substr(0, at));  // "jean.dupont" → jean.dupont, jeandupont, jean, dupont
    if (at == std::string_view::npos) return;
    std::string_view domain = email.substr(at + 1);
    // Every label but the top-level one: "ac-paris" of ac-paris.fr, "gmail" of gmail.com.
    while (true) {
        const std::size_t dot = domain.find('.');
        if (dot == std::string_view::npos) break;
        add_name(words, domain.substr(0, dot));
        domain.remove_prefix(dot + 1);
    }
}

std::string two(int n) { return std::string{static_cast<char>('0' + n / 10 % 10), static_cast<char>('0' + n % 10)}; }

// Reads 29/02/1984, 29-02-1984, 29.02.1984, 1984-02-29, 29021984, 19840229 or 29/02/84.
void add_birth_date(std::vector<std::string>& words, std::string_view text) {
    std::vector<std::string> groups;
    std::string current;
    for (char c : std::string(text) + " ") {
        if (is_digit(c)) {
            current.push_back(c);
        } else if (!current.empty()) {
            groups.push_back(current);
            current.clear();
        }
    }
    int day = 0, month = 0, year = -1, short_year = -1;
    auto number = [](const std::string& s) { return std::stoi(s); };
    if (groups.size() == 3 && groups[0].size() == 4 && groups[1].size() <= 2 && groups[2].size() <= 2) {
        year = number(groups[0]), month = number(groups[1]), day = number(groups[2]);
    } else if (groups.size() == 3 && groups[0].size() <= 2 && groups[1].size() <= 2 && groups[2].size() == 4) {
        day = number(groups[0]), month = number(groups[1]), year = number(groups[2]);
    } else if (groups.size() == 3 && groups[0].size() <= 2 && groups[1].size() <= 2 && groups[2].size() == 2) {
        day = number(groups[0]), month = number(groups[1]), short_year = number(groups[2]);
    } else if (groups.size() == 1 && groups[0].size() == 8) {
        const std::string& g = groups[0];
        const int y = number(g.substr(0, 4)), m = number(g.substr(4, 2)), d = number(g.substr(6, 2));
        if (y >= 1900 && is_real_date(y, m, d)) {
            year = y, month = m, day = d;
        } else {
            day = number(g.substr(0, 2)), month = number(g.substr(2, 2)), year = number(g.substr(4, 4));
        }
    } else {
        return;
    }
    if (year >= 0) {
        if (!is_real_date(year, month, day)) return;
        short_year = year % 100;
        const std::string yyyy = two(year / 100) + two(year);
        add_word(words, two(day) + two(month) + yyyy);
        add_word(words, yyyy);
        add_word(words, yyyy + two(month) + two(day));
    } else if (month < 1 || month > 12 || day < 1 || day > 31) {
        return;
    }
    add_word(words, two(day) + two(month) + two(short_year));
    // ddmm has 4 characters, above the minimum word length.
    add_word(words, two(day) + two(month));
}

void add_nir(std::vector<std::string>& words, std::string_view nir) {
    std::string compact;
    for (char c : nir) {
        if (c != ' ') compact.push_back(c);
    }
    add_word(words, compact);
    if (compact.size() == 15) add_word(words, compact.substr(0, 13));
}

// zxcvbn's dictionaries are English. These are the French passwords and password words that
// leak lists show most, plus the words of the insurer's own context (mutuelle, sécurité
// sociale), so that "Motdepasse1!" is not rated like a random string.
constexpr const char* kFrenchWords[] = {
    "motdepasse", "mdp", "azerty", "azertyuiop", "soleil", "bonjour", "bonsoir", "salut", "coucou", "doudou",
    "chouchou", "loulou", "jetaime", "amour", "bisous", "chocolat", "princesse", "chaton", "cheval", "marseille",
    "paris", "lyon", "toulouse", "bordeaux", "nantes", "lille", "france", "nicolas", "julien", "camille", "maman",
    "papa", "famille", "vacances", "bienvenue", "mutuelle", "sante", "santé", "securite", "sécurité", "sociale",
    "nouveau", "janvier", "fevrier", "février", "mars", "avril", "juin", "juillet", "aout", "août", "septembre",
    "octobre", "novembre", "decembre", "décembre", "printemps", "automne", "hiver",
};

// Shorter matches say nothing worth a hint: zxcvbn reads a lone "!" as a leet "i".
constexpr int kMinHintMatch = 3;

struct Run {
    double bits = 0;
    std::vector<int> types;  // types of the matches worth a hint, without the MULTIPLE_MATCH flag
};

Run run_zxcvbn(const std::string& password, std::vector<const char*>& dictionary) {
    ZxcMatch_t* info = nullptr;
    Run run;
    run.bits = ZxcvbnMatch(password.c_str(), dictionary.data(), &info);
    for (const ZxcMatch_t* m = info; m != nullptr; m = m->Next) {
        if (m->Length >= kMinHintMatch) run.types.push_back(static_cast<int>(m->Type) % static_cast<int>(MULTIPLE_MATCH));
    }
    ZxcvbnFreeInfo(info);
    return run;
}

bool has(const Run& run, std::initializer_list<int> types) {
    for (int type : run.types) {
        for (int wanted : types) {
            if (type == wanted) return true;
        }
    }
    return false;
}

struct Estimate {
    double bits = 0;
    std::vector<std::string> hints;
};

Estimate estimate(std::string_view password, const StrengthContext& context, std::size_t max_bytes) {
    // zxcvbn reads a C string: a NUL would hide the rest, and huge inputs only cost CPU.
    if (password.empty() || password.size() > max_bytes || password.find('\0') != std::string_view::npos) return {};
    const std::string text(password);
    const std::vector<std::string> personal_words = strength_context_words(context);

    // Context words first: zxcvbn rates a user-dictionary word by its rank, so they weigh most.
    std::vector<const char*> common(std::begin(kFrenchWords), std::end(kFrenchWords));
    common.push_back(nullptr);
    std::vector<const char*> everything;
    for (const std::string& word : personal_words) everything.push_back(word.c_str());
    everything.insert(everything.end(), std::begin(kFrenchWords), std::end(kFrenchWords));
    everything.push_back(nullptr);

    const Run without_context = run_zxcvbn(text, common);
    const Run with_context = personal_words.empty() ? without_context : run_zxcvbn(text, everything);
    // The member's data is in the password when knowing it makes the password easier to guess.
    const bool personal = with_context.bits < without_context.bits;
    const bool dictionary = has(with_context, {DICTIONARY_MATCH, DICT_LEET_MATCH}) ||
                            has(without_context, {USER_MATCH, USER_LEET_MATCH});

    // More words in the dictionary push the French ones down the ranking; knowing more about
    // the member must never make a password look stronger.
    Estimate result{std::min(with_context.bits, without_context.bits), {}};
    auto& hints = result.hints;
    if (personal) hints.emplace_back("Évitez vos informations personnelles : nom, prénom, date de naissance, email, numéro de sécurité sociale.");
    if (dictionary) hints.emplace_back("Évitez les mots courants et les mots de passe connus.");
    // Only for dictionary words: zxcvbn also files digits of the member's own data as "leet".
    if (has(with_context, {DICT_LEET_MATCH})) {
        hints.emplace_back("Remplacer des lettres par des chiffres ou des symboles (@ pour a, 0 pour o) ne trompe pas les pirates.");
    }
    if (has(with_context, {SPATIAL_MATCH})) hints.emplace_back("Évitez les suites de touches du clavier (azerty, qwerty…).");
    if (has(with_context, {REPEATS_MATCH})) hints.emplace_back("Évitez les répétitions (aaa, abcabc…).");
    if (has(with_context, {SEQUENCE_MATCH})) hints.emplace_back("Évitez les suites logiques (abc, 123…).");
    if (has(with_context, {DATE_MATCH, YEAR_MATCH})) hints.emplace_back("Évitez les dates et les années, faciles à deviner.");
    return result;
}

}  // namespace

std::string_view to_string(StrengthLevel level) {
    switch (level) {
        case StrengthLevel::faible: return "faible";
        case StrengthLevel::moyen: return "moyen";
        case StrengthLevel::fort: return "fort";
    }
    return "faible";
}

int score_for_entropy(double bits) {
    // Compare in log10 so that long passwords cannot overflow 2^bits.
    const double log10_guesses = bits * std::log10(2.0);
    if (log10_guesses < 3) return 0;
    if (log10_guesses < 6) return 1;
    if (log10_guesses < 8) return 2;
    if (log10_guesses < 10) return 3;
    return 4;
}

StrengthLevel level_for_score(int score) {
    if (score >= 4) return StrengthLevel::fort;
    if (score == 3) return StrengthLevel::moyen;
    return StrengthLevel::faible;
}

std::vector<std::string> strength_context_words(const StrengthContext& context) {
    std::vector<std::string> words;
    auto usable = [](const std::string& field) { return !field.empty() && field.size() <= kMaxContextField; };
    if (usable(context.email)) add_email(words, context.email);
    if (usable(context.last_name)) add_name(words, context.last_name);
    if (usable(context.first_name)) add_name(words, context.first_name);
    if (usable(context.birth_date)) add_birth_date(words, context.birth_date);
    if (usable(context.nir)) add_nir(words, context.nir);
    return words;
}

double strength_entropy_bits(std::string_view password, const StrengthContext& context) {
    return estimate(password, context, PasswordPolicy{}.max_length * 4).bits;
}

int strength_score(std::string_view password, const StrengthContext& context) {
    return score_for_entropy(strength_entropy_bits(password, context));
}

Strength evaluate_strength(std::string_view password, const StrengthContext& context, const PasswordPolicy& policy) {
    Strength strength{StrengthLevel::faible, false, policy.unmet(password)};
    const bool policy_met = strength.feedback.empty();
    // A code point takes at most 4 bytes: anything longer already fails the policy.
    const Estimate guess = estimate(password, context, policy.max_length * 4);
    if (policy_met) {
        strength.level = level_for_score(score_for_entropy(guess.bits));
        strength.accepted = strength.level != StrengthLevel::faible;
        if (strength.level == StrengthLevel::faible) {
            strength.feedback.emplace_back("Mot de passe trop facile à deviner : il est refusé.");
        }
    }
    // Hints also while the policy is unmet: the live gauge shows them as the member types.
    if (strength.level != StrengthLevel::fort) {
        strength.feedback.insert(strength.feedback.end(), guess.hints.begin(), guess.hints.end());
    }
    if (policy_met && strength.level != StrengthLevel::fort) {
        strength.feedback.emplace_back("Allongez-le : une phrase de plusieurs mots inhabituels est plus sûre qu'un mot compliqué.");
    }
    return strength;
}

}  // namespace guichet
