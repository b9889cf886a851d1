#include "domain/notifications/message.hpp"

#include <array>
#include <utility>

namespace guichet {

namespace {
constexpr std::array<std::pair<Channel, std::string_view>, 3> kChannels{{
    {Channel::email, "email"}, {Channel::sms, "sms"}, {Channel::letter, "letter"}}};
constexpr std::pair<MessageKind, std::string_view> kKindNames[] = {
#define GUICHET_KIND_NAME(name) {MessageKind::name, #name},
    GUICHET_MESSAGE_KINDS(GUICHET_KIND_NAME)
#undef GUICHET_KIND_NAME
};
constexpr auto kKinds = std::to_array(kKindNames);

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [v, name] : table)
        if (name == text) return v;
    return std::nullopt;
}
}  // namespace

std::string_view to_string(Channel channel) { return name_of(kChannels, channel); }
std::optional<Channel> channel_from(std::string_view text) { return value_of(kChannels, text); }
std::string_view to_string(MessageKind kind) { return name_of(kKinds, kind); }
std::optional<MessageKind> message_kind_from(std::string_view text) { return value_of(kKinds, text); }

}  // namespace guichet
