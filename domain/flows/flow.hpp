#pragma once
// Multi-step procedures are flows (SPEC.md §5): a resource with an id, a state, an expiry and the
// next steps. The state moves only forward, one step at a time, and only from the state the step
// was submitted for: a skipped, replayed or parallel step finds the flow elsewhere and is refused.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

// What a flow holds. `data` is the procedure's own private state (NIR, identity chosen, hashes),
// written by the FlowDataCodec adapter from the procedure's typed data; the repository stores
// it encrypted.
struct FlowRecord {
    std::string id;  // random, 128 bits: knowing it is what lets a caller drive the flow
    std::string type;
    std::string state;
    int attempts = 0;  // tries spent on the current step (identity checks, codes)
    std::string data;
    std::chrono::system_clock::time_point expires_at;
    int version = 0;  // bumped by every move (FlowRepository::advance)
};

class FlowRepository {
public:
    virtual ~FlowRepository() = default;
    virtual void create(const FlowRecord& flow) = 0;
    virtual std::optional<FlowRecord> find(const std::string& id) = 0;
    // Moves the flow from `from` at `version` to `to` with new data and a fresh count of attempts,
    // and bumps its version; false when it is no longer in `from` at `version`. Locks the flow
    // until the transaction ends, so a parallel submission of the same step waits, then finds it
    // moved (even a step that stays in its state, such as a resend).
    virtual bool advance(const std::string& id, const std::string& from, int version, const std::string& to,
                         const std::string& data) = 0;
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

// A flow type's private data, field by field: each data type lists its fields once
// (`void fields(FlowFields&)`), and the same list writes and reads it. A field absent from what
// is stored keeps its default.
class FlowFields {
public:
    virtual ~FlowFields() = default;
    virtual void text(std::string_view name, std::string& value) = 0;
    virtual void text(std::string_view name, std::optional<std::string>& value) = 0;
    virtual void number(std::string_view name, std::int64_t& value) = 0;
    virtual void number(std::string_view name, std::optional<std::int64_t>& value) = 0;
    virtual void flag(std::string_view name, bool& value) = 0;
    virtual void channels(std::string_view name, std::vector<FlowChannel>& value) = 0;

    // An enumeration, stored by its name (`to_string` / `from` are the type's own).
    template <class E, class ToText, class FromText>
    void choice(std::string_view name, std::optional<E>& value, ToText to_text, FromText from) {
        std::optional<std::string> text_value;
        if (value) text_value = std::string(to_text(*value));
        text(name, text_value);
        value = text_value ? from(*text_value) : std::nullopt;
    }
};

// Port: turns a flow's typed data into the text FlowRecord::data holds, and back (JSON, in
// infra/flows/). Reading malformed text throws: stored data is the service's own.
class FlowDataCodec {
public:
    virtual ~FlowDataCodec() = default;
    virtual std::string write(const std::function<void(FlowFields&)>& fields) const = 0;
    virtual void read(const std::string& stored, const std::function<void(FlowFields&)>& fields) const = 0;
};

}  // namespace guichet
