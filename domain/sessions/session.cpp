#include "domain/sessions/session.hpp"

namespace guichet {

std::string_view to_string(RequiredAction action) {
    switch (action) {
        case RequiredAction::change_password: return "change_password";
        case RequiredAction::confirm_contacts: return "confirm_contacts";
        case RequiredAction::verify_email: return "verify_email";
        case RequiredAction::switch_identifier: return "switch_identifier";
    }
    return "change_password";
}

std::optional<RequiredAction> required_action_from(std::string_view text) {
    for (auto a : {RequiredAction::change_password, RequiredAction::confirm_contacts, RequiredAction::verify_email,
                   RequiredAction::switch_identifier})
        if (to_string(a) == text) return a;
    return std::nullopt;
}

bool kept_by_account(RequiredAction action) {
    return action == RequiredAction::confirm_contacts || action == RequiredAction::verify_email;
}

}  // namespace guichet
