#include "domain/error.hpp"

namespace guichet {

std::string_view to_string(ErrorCode code) {
    switch (code) {
#define GUICHET_CODE(name) \
    case ErrorCode::name:  \
        return #name;
        GUICHET_CODE(invalid_credentials)
        GUICHET_CODE(account_locked)
        GUICHET_CODE(account_not_locked)
        GUICHET_CODE(identifier_migrated)
        GUICHET_CODE(password_not_created)
        GUICHET_CODE(connect_identity_not_validated)
        GUICHET_CODE(connect_identity_locked)
        GUICHET_CODE(account_not_activated)
        GUICHET_CODE(no_account)
        GUICHET_CODE(email_already_used)
        GUICHET_CODE(account_already_exists)
        GUICHET_CODE(password_policy)
        GUICHET_CODE(password_too_weak)
        GUICHET_CODE(password_mismatch)
        GUICHET_CODE(invalid_nir)
        GUICHET_CODE(invalid_birth_date)
        GUICHET_CODE(invalid_phone)
        GUICHET_CODE(invalid_email)
        GUICHET_CODE(sms_not_available)
        GUICHET_CODE(identity_check_failed)
        GUICHET_CODE(code_invalid)
        GUICHET_CODE(code_expired)
        GUICHET_CODE(link_expired)
        GUICHET_CODE(flow_expired)
        GUICHET_CODE(step_not_allowed)
        GUICHET_CODE(too_many_attempts)
        GUICHET_CODE(rate_limited)
        GUICHET_CODE(validation_error)
        GUICHET_CODE(unauthorized)
        GUICHET_CODE(forbidden)
        GUICHET_CODE(not_found)
        GUICHET_CODE(method_not_allowed)
        GUICHET_CODE(payload_too_large)
        GUICHET_CODE(unsupported_media_type)
        GUICHET_CODE(unavailable)
        GUICHET_CODE(internal_error)
#undef GUICHET_CODE
    }
    return "internal_error";
}

}  // namespace guichet
