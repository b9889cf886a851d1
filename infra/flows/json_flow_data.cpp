#include "infra/flows/json_flow_data.hpp"

#include <nlohmann/json.hpp>

namespace guichet::infra {

namespace {

using nlohmann::json;

std::string key(std::string_view name) { return std::string(name); }

class Writer final : public FlowFields {
public:
    json object = json::object();
    void text(std::string_view name, std::string& value) override { object[key(name)] = value; }
    void text(std::string_view name, std::optional<std::string>& value) override {
        if (value) object[key(name)] = *value;
    }
    void number(std::string_view name, std::int64_t& value) override { object[key(name)] = value; }
    void number(std::string_view name, std::optional<std::int64_t>& value) override {
        if (value) object[key(name)] = *value;
    }
    void flag(std::string_view name, bool& value) override { object[key(name)] = value; }
    void channels(std::string_view name, std::vector<FlowChannel>& value) override {
        auto list = json::array();
        for (const auto& c : value) list.push_back({{"channel", c.channel}, {"destination", c.destination}});
        object[key(name)] = std::move(list);
    }
};

// A field absent, null or of another type keeps its default.
class Reader final : public FlowFields {
public:
    explicit Reader(const json& object) : object_(object) {}
    void text(std::string_view name, std::string& value) override {
        if (const auto* v = find(name); v && v->is_string()) value = v->get<std::string>();
    }
    void text(std::string_view name, std::optional<std::string>& value) override {
        if (const auto* v = find(name); v && v->is_string()) value = v->get<std::string>();
    }
    void number(std::string_view name, std::int64_t& value) override {
        if (const auto* v = find(name); v && v->is_number_integer()) value = v->get<std::int64_t>();
    }
    void number(std::string_view name, std::optional<std::int64_t>& value) override {
        if (const auto* v = find(name); v && v->is_number_integer()) value = v->get<std::int64_t>();
    }
    void flag(std::string_view name, bool& value) override {
        if (const auto* v = find(name); v && v->is_boolean()) value = v->get<bool>();
    }
    void channels(std::string_view name, std::vector<FlowChannel>& value) override {
        const auto* v = find(name);
        if (!v || !v->is_array()) return;
        value.clear();
        for (const auto& c : *v)
            if (c.is_object()) value.push_back({c.value("channel", ""), c.value("destination", "")});
    }

private:
    const json* find(std::string_view name) const {
        const auto it = object_.find(key(name));
        return it == object_.end() ? nullptr : &*it;
    }
    const json& object_;
};

}  // namespace

std::string JsonFlowDataCodec::write(const std::function<void(FlowFields&)>& fields) const {
    Writer writer;
    fields(writer);
    return writer.object.dump();
}

void JsonFlowDataCodec::read(const std::string& stored, const std::function<void(FlowFields&)>& fields) const {
    const auto object = json::parse(stored);  // throws on malformed data: a bug or a changed key, answered 500
    if (!object.is_object()) throw std::runtime_error("flow data is not a JSON object");
    Reader reader(object);
    fields(reader);
}

}  // namespace guichet::infra
