#pragma once
// Multi-step procedures are flows (SPEC.md §5): a resource with an id, a state, an expiry and the
// next steps. The state moves only forward, one step at a time, and only from the state the step
// was submitted for: a skipped, replayed or parallel step finds the flow elsewhere and is refused.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

// What a flow holds. `data` is the procedure's own private state (NIR, identity chosen, hashes),
// serialised by the service; the adapter stores it encrypted.
struct FlowRecord {
    std::string id;  // random, 128 bits: knowing it is what lets a caller drive the flow
    std::string type;
    std::string state;
    int attempts = 0;  // tries spent on the current step (identity checks, codes)
    std::string data;
    std::chrono::system_clock::time_point expires_at;
};

class FlowRepository {
public:
    virtual ~FlowRepository() = default;
    virtual void create(const FlowRecord& flow) = 0;
    virtual std::optional<FlowRecord> find(const std::string& id) = 0;
    // Moves the flow from `from` to `to` with new data and a fresh count of attempts; false when
    // it is no longer in `from`. Locks the flow until the transaction ends, so a parallel
    // submission of the same step waits, then finds it moved.
    virtual bool advance(const std::string& id, const std::string& from, const std::string& to, const std::string& data) = 0;
    // Counts one try on the current step, atomically, and returns the new count.
    virtual int count_attempt(const std::string& id) = 0;
    // A new expiry (a flow that waits for a link lives as long as the link).
    virtual void extend(const std::string& id, std::chrono::system_clock::time_point expires_at) = 0;
};

// What callers see of a flow (GET /v1/flows/{id} and every step's answer).
struct FlowStep {
    std::string name;
    std::vector<std::string> fields;
};

struct FlowMessage {
    std::string code;
    std::string text;  // French, for the member
};

// A channel the member may choose, its destination masked (SPEC.md §5: "06 •• •• •• 78").
struct FlowChannel {
    std::string channel;
    std::string destination;
};

// A question the member must answer at this step (recovery: the security question of seed 004).
struct FlowQuestion {
    std::string kind;
    std::string label;  // French, for the member
};

struct FlowView {
    std::string id;
    std::string type;
    std::string state;
    std::chrono::system_clock::time_point expires_at;
    std::vector<FlowStep> next_steps;
    std::vector<FlowMessage> messages;
    std::vector<FlowChannel> channels{};
    std::optional<FlowQuestion> question{};
    std::optional<std::string> proposed_email{};  // identifier switch: the contact email, when free
};

}  // namespace guichet
