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
// The current password keeps working until the code is used: only then is it replaced.
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/codes/codes.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"
#include "service/flows/flows.hpp"

namespace guichet {

class Recovery final : public FlowProcedure {
public:
    static constexpr const char* type = "recovery";
    static constexpr int max_codes = 4;  // the first and 3 more on request

    Recovery(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, RandomSource& random, const KeyedDigest& digest,
             const Clock& clock, CodePolicy policy = CodePolicy{6, std::chrono::minutes(30), 5, std::chrono::seconds(60)})
        : uow_(uow), flows_(flows), hasher_(hasher), random_(random), digest_(digest), clock_(clock), policy_(policy) {}

    Result<FlowView> start(const std::string& identifier, const std::optional<std::string>& birth_date);
    Result<FlowView> choose_channel(const std::string& flow_id, const std::string& channel);
    Result<FlowView> resend_code(const std::string& flow_id);
    Result<FlowView> submit_code(const std::string& flow_id, const std::string& code);
    Result<FlowView> answer_question(const std::string& flow_id, const std::string& answer);
    FlowView view(const FlowRecord& flow) const override;

private:
    Result<FlowView> start_by_email(const std::string& email_text);
    Result<FlowView> send_code(FlowRecord flow, const std::string& from_state);
    // Ends the flow with a temporary password on `channel` (and, when that is a letter the member
    // did not choose, a message on the chosen channel saying it is coming).
    Result<FlowView> finish(FlowRecord flow, const std::string& from_state, Channel channel, const std::string& outcome);
    UnitOfWork& uow_;
    Flows& flows_;
    const PasswordHasher& hasher_;
    RandomSource& random_;
    const KeyedDigest& digest_;
    const Clock& clock_;
    CodePolicy policy_;
};

}  // namespace guichet
