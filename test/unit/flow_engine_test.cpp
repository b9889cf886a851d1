// The flow engine (service/flows/): a toy type driven through the registry as the API drives
// every type — start, table lookup, fields, guard, state, one move with its effects.
#include <catch2/catch.hpp>

#include "infra/flows/json_flow_data.hpp"
#include "service/flows/flow_type.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

enum class ToyState { waiting, done };

struct ToyData {
    std::string word;
    std::int64_t count = 0;
    void fields(FlowFields& f) {
        f.text("word", word);
        f.number("count", count);
    }
};

// start {} → waiting; ack {word} → done, queuing a message in the same transaction ("non" refuses
// after queuing it); slow {} is declared hashing; every step needs the bearer token "ok".
class Toy final : public FlowType<ToyState, ToyData> {
public:
    Toy(Flows& flows, RandomSource& random)
        : FlowType(flows, random, "toy", "toy", {{ToyState::waiting, "waiting"}, {ToyState::done, "done"}}) {
        starts_with({"start", {}}, [this](const StepInput&) {
            return answer(show(open(ToyState::waiting, ToyData{"", 0}, std::chrono::minutes(5))));
        });
        guarded_by([](const Flow&, StepInput& in) -> Result<void> {
            if (in.bearer_token != "ok") return fail(ErrorCode::unauthorized);
            return {};
        });
        step(ToyState::waiting, {"ack", {{"word", 8}}}, [this](Flow& flow, const StepInput& in) -> Result<StepAnswer> {
            flow.data.word = in.text("word");
            ++flow.data.count;
            auto moved = move(flow, ToyState::done, [&](Transaction& tx) -> Result<void> {
                tx.notifier().enqueue(OutgoingMessage{Channel::email, "toy@exemple.fr", MessageKind::reset_link, {{"token", "t"}}});
                if (flow.data.word == "non") return fail(ErrorCode::validation_error, "refusé", "word");
                return {};
            });
            if (!moved) return std::unexpected(moved.error());
            return StepAnswer{show(flow)};
        });
        step(ToyState::waiting, {"slow", {}, StepCost::hashing}, [this](Flow& flow, const StepInput&) { return answer(show(flow)); });
    }

private:
    FlowView show(const Flow& flow) const override { return base_view(flow); }
};

using Body = std::map<std::string, std::string>;

class Request final : public StepRequest {
public:
    Request(std::map<std::string, std::string> values, std::string bearer = "ok")
        : values_(std::move(values)), bearer_(std::move(bearer)) {}
    Result<std::optional<std::string>> text(std::string_view name, std::size_t max_length) const override {
        const auto it = values_.find(std::string(name));
        if (it == values_.end()) return std::optional<std::string>();
        if (it->second.size() > max_length) return fail(ErrorCode::validation_error, "trop long", std::string(name));
        return std::optional<std::string>(it->second);
    }
    std::string bearer_token() const override { return bearer_; }

private:
    std::map<std::string, std::string> values_;
    std::string bearer_;
};

struct Fixture {
    FakeUnitOfWork uow;
    FixedClock clock = test_clock();
    SequenceRandom random;
    infra::JsonFlowDataCodec codec;
    Flows flows{uow, clock, codec};
    Toy toy{flows, random};

    std::string start() {
        auto started = flows.start("toy", Request(Body{}));
        REQUIRE(started);
        return started->flow.id;
    }
};

}  // namespace

TEST_CASE("flow engine: a type's table drives start, view and steps through the registry", "[service][flows]") {
    Fixture f;
    CHECK(f.flows.start("inconnu", Request(Body{})).error().code == ErrorCode::not_found);
    const auto id = f.start();
    auto view = f.flows.view(id);
    REQUIRE(view);
    CHECK(view->state == "waiting");
    REQUIRE(view->next_steps.size() == 2);  // from the table, in its order, with their fields
    CHECK(view->next_steps[0].name == "ack");
    CHECK(view->next_steps[0].fields == std::vector<std::string>{"word"});
    CHECK(view->next_steps[1].name == "slow");

    CHECK(f.flows.submit(id, "ack", Request(Body{{"word", "oui"}}, "")).error().code == ErrorCode::unauthorized);  // guard first
    CHECK(f.flows.submit(id, "nope", Request(Body{})).error().code == ErrorCode::not_found);
    CHECK(f.flows.submit(id, "ack", Request(Body{})).error().code == ErrorCode::validation_error);  // required field
    CHECK(f.flows.submit(id, "ack", Request(Body{{"word", "beaucoup trop long"}})).error().field == "word");

    auto done = f.flows.submit(id, "ack", Request(Body{{"word", "oui"}}));
    REQUIRE(done);
    CHECK(done->flow.state == "done");
    CHECK(done->flow.next_steps.empty());
    CHECK(f.uow.outbox().size() == 1);
    CHECK(f.flows.submit(id, "ack", Request(Body{{"word", "oui"}})).error().code == ErrorCode::step_not_allowed);  // replayed
    CHECK(f.uow.outbox().size() == 1);
    CHECK(f.flows.view(id)->state == "done");  // stored, read back through the codec
}

TEST_CASE("flow engine: a refusal in a move's effects rolls the move and the effects back", "[service][flows]") {
    Fixture f;
    const auto id = f.start();
    const auto refused = f.flows.submit(id, "ack", Request(Body{{"word", "non"}}));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "word");
    CHECK(f.flows.view(id)->state == "waiting");  // not moved
    CHECK(f.uow.outbox().empty());                // the message queued before the refusal is gone
    CHECK(f.flows.submit(id, "ack", Request(Body{{"word", "oui"}})));  // the step is still open
}

TEST_CASE("flow engine: only steps declared hashing go to the hashing pool", "[service][flows]") {
    Fixture f;
    CHECK(f.flows.step_cost("slow") == StepCost::hashing);
    CHECK(f.flows.step_cost("ack") == StepCost::light);
    CHECK(f.flows.step_cost("nope") == StepCost::light);
}
