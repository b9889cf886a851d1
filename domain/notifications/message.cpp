#include "domain/notifications/message.hpp"

#include <array>
#include <utility>

namespace guichet {

namespace {
constexpr std::array<std::pair<Channel, std::string_view>, 3> kChannels{{
    {Channel::email, "email"}, {Channel::sms, "sms"}, {Channel::letter, "letter"}}};
constexpr std::array<std::pair<MessageKind, std::string_view>, 9> kKinds{{
    {MessageKind::activation_link, "activation_link"},
    {MessageKind::security_code, "security_code"},
    {MessageKind::email_verification_code, "email_verification_code"},
    {MessageKind::temporary_password, "temporary_password"},
    {MessageKind::reset_link, "reset_link"},
    {MessageKind::identifier_validation_link, "identifier_validation_link"},
    {MessageKind::letter_on_its_way, "letter_on_its_way"},
    {MessageKind::password_changed, "password_changed"},
    {MessageKind::identifier_changed, "identifier_changed"},
}};

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
