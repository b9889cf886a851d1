#pragma once
// The security question of the forgot-password procedure for members who never logged in
// (seed 004, SPEC.md §3.4): it depends on the member type, and is checked against the registry.
//   particulier: Carte Vitale serial number, or the amount of a benefit paid in the last 6 months;
//   exploitant:  the amount of a contribution invoice paid in the last 12 months;
//   entreprise:  the amount of wage contributions paid in the last 12 months;
//   tiers:       none: a third party's identity cannot be checked online (letter instead).
#include <optional>
#include <string>
#include <string_view>

#include "domain/members/member.hpp"

namespace guichet {

struct SecurityQuestion {
    std::string kind;   // stable, for clients: carte_vitale_or_benefit, contribution_invoice, wage_contributions
    std::string label;  // French, for the member
};

std::optional<SecurityQuestion> security_question_for(MemberType type);

// Whether `answer` is right for this member on `today`. Amounts are read as euros ("23,50",
// "23.50 €", "112"), serials without spaces; a member type without a question never matches.
bool security_answer_matches(const Member& member, std::string_view answer, CalendarDate today);

}  // namespace guichet
