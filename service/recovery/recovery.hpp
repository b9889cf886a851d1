#pragma once
// Use case: forgot password (seed 004, and seed 002 for Connect identities; SPEC.md §3.4, §6).
//   start {identifier, birth_date?}
//     email identifier  → link_sent: a reset link (1 h) is mailed when the email is a Connect
//                          identity; the answer is the same when it is not.
//     NIR + birth date  → choose_channel: the member's channels, masked, and always `letter`.
//                          An unknown NIR, a wrong birth date or a migrated account get a flow
//                          that looks the same (channels derived from a keyed digest of what was
//                          typed, stable from one try to the next) and whose codes are never sent.
//   channel {channel}   → sms/email: a 6-digit security code (30 min, 5 tries) → code_sent;
//                          letter: a temporary password by post (30 days) → letter_sent.
//   resend {}           → a new code, at most one a minute and 3 more per flow.
//   code {code}         → the member logged in before: a temporary password on the channel
//                          (24 h) → temp_password_sent; never logged in: the security question
//                          of their member type → security_question; `tiers`: no online check,
//                          a temporary password by letter and a message on the channel → letter_sent.
//   security_answer {answer} → one try: right → temp_password_sent; wrong → letter_sent.
// The current password keeps working until the code is used: only then is it replaced. A letter
// (chosen, after a wrong answer, or for a tiers) is proved by being received: its temporary
// password waits beside the current one, which works until the letter's is first used (§3.4).
// Checks of NIR + birth date count per NIR (5 a day), codes and letters per destination and
// account, decoys alike (service/limits/abuse_limits.hpp).
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/codes/codes.hpp"
#include "domain/members/member.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"
#include "service/flows/flow_type.hpp"
#include "service/limits/abuse_limits.hpp"

namespace guichet {

enum class RecoveryState { choose_channel, code_sent, security_question, temp_password_sent, letter_sent, link_sent };

struct RecoveryData {
    std::string nir;                     // the NIR body typed (by NIR)
    std::optional<AccountId> account;    // none: a decoy (nobody's NIR, a wrong birth date), or by email
    bool logged_in = false;              // the member logged in before
    std::optional<MemberType> member_type;
    std::vector<FlowChannel> channels;   // offered, masked
    std::optional<Channel> chosen;       // the channel the codes go to (by email: the link's)
    std::string chosen_destination;      // masked
    std::int64_t codes = 0;              // codes sent so far
    std::optional<Channel> outcome;      // where the temporary password went
    std::string outcome_destination;
    std::string outcome_reason;          // chosen, proven, answered, answer_wrong, no_online_check
    std::string decoy;                   // a decoy's stand-in destination (its digest), counted as a member's
    void fields(FlowFields& f);
};

class Recovery final : public FlowType<RecoveryState, RecoveryData> {
public:
    static constexpr const char* type = "recovery";

    Recovery(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, RandomSource& random, const KeyedDigest& digest,
             const Clock& clock, const Rules& rules);

    Result<FlowView> start(const std::string& identifier, const std::optional<std::string>& birth_date);
    Result<FlowView> choose_channel(const std::string& flow_id, const std::string& channel);
    Result<FlowView> resend_code(const std::string& flow_id);
    Result<FlowView> submit_code(const std::string& flow_id, const std::string& code);
    Result<FlowView> answer_question(const std::string& flow_id, const std::string& answer);

private:
    FlowView show(const Flow& flow) const override;
    Result<FlowView> start_by_email(const std::string& email_text);
    Result<FlowView> choose(Flow& flow, const std::string& channel);
    Result<FlowView> send_code(Flow& flow);
    Result<FlowView> check_code(Flow& flow, const std::string& code);
    Result<FlowView> judge_answer(Flow& flow, const std::string& answer);
    // Ends the flow with a temporary password on `channel` (and, when that is a letter the member
    // did not choose, a message on the chosen channel saying it is coming).
    Result<FlowView> finish(Flow& flow, Channel channel, const std::string& reason);
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    const KeyedDigest& digest_;
    const Clock& clock_;
    const Rules& rules_;
    IdentityChecks checks_;  // per NIR, before any comparison (SPEC.md §2)
    const CodePolicy& policy_;
};

}  // namespace guichet
