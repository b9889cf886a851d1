#include "domain/members/security_question.hpp"

#include <chrono>

#include "domain/text.hpp"

namespace guichet {

namespace {

std::chrono::sys_days days_of(CalendarDate d) {
    return std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month{static_cast<unsigned>(d.month)} /
                                 std::chrono::day{static_cast<unsigned>(d.day)}};
}

// `today` minus whole months; the 31st of a shorter month becomes its last day.
std::chrono::sys_days months_before(CalendarDate today, int months) {
    using namespace std::chrono;
    year_month_day ymd{days_of(today)};
    auto ym = year_month{ymd.year(), ymd.month()} - std::chrono::months{months};
    const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    return sys_days{ym.year() / ym.month() / std::min(ymd.day(), last)};
}

// Spaces (also non-breaking ones), a euro sign and "EUR" are dropped before reading the amount.
std::optional<std::int64_t> amount_of(std::string_view answer) {
    std::string text;
    for (std::size_t i = 0; i < answer.size(); ++i) {
        const auto c = answer[i];
        if (c == ' ') continue;
        if (answer.substr(i, 2) == "\xC2\xA0") { ++i; continue; }                    // U+00A0
        if (answer.substr(i, 3) == "\xE2\x82\xAC") { i += 2; continue; }             // €
        if (answer.substr(i, 3) == "\xE2\x80\xAF") { i += 2; continue; }             // U+202F
        text += c;
    }
    const auto lower = ascii_lower(text);
    if (lower.size() > 3 && lower.ends_with("eur")) text.resize(text.size() - 3);
    auto cents = parse_cents(text);
    return cents ? std::optional(*cents) : std::nullopt;
}

bool paid_within(const Member& member, std::int64_t cents, CalendarDate today, int months) {
    const auto from = months_before(today, months);
    const auto to = days_of(today);
    for (const auto& a : member.recent_amounts) {
        const auto when = days_of(a.date);
        if (a.cents == cents && when >= from && when <= to) return true;
    }
    return false;
}

std::string without_spaces(std::string_view text) {
    std::string out;
    for (const char c : text)
        if (c != ' ' && c != '-') out += c;
    return ascii_lower(out);
}

}  // namespace

std::optional<SecurityQuestion> security_question_for(MemberType type) {
    switch (type) {
        case MemberType::particulier:
            return SecurityQuestion{"carte_vitale_or_benefit",
                                    "Numéro de série de votre carte Vitale, ou montant d'une prestation perçue au cours des 6 "
                                    "derniers mois"};
        case MemberType::exploitant:
            return SecurityQuestion{"contribution_invoice", "Montant d'une facture de cotisations payée au cours des 12 derniers mois"};
        case MemberType::entreprise:
            return SecurityQuestion{"wage_contributions", "Montant des cotisations sur salaires payées au cours des 12 derniers mois"};
        case MemberType::tiers:
            return std::nullopt;
    }
    return std::nullopt;
}

bool security_answer_matches(const Member& member, std::string_view answer, CalendarDate today) {
    const auto text = trim(answer);
    if (text.empty() || text.size() > 64) return false;
    switch (member.type) {
        case MemberType::particulier: {
            if (!member.carte_vitale_serial.empty() && without_spaces(text) == without_spaces(member.carte_vitale_serial)) return true;
            const auto cents = amount_of(text);
            return cents && paid_within(member, *cents, today, 6);
        }
        case MemberType::exploitant:
        case MemberType::entreprise: {
            const auto cents = amount_of(text);
            return cents && paid_within(member, *cents, today, 12);
        }
        case MemberType::tiers:
            return false;
    }
    return false;
}

}  // namespace guichet
