#include "domain/links/link_tokens.hpp"

namespace guichet {

std::string_view to_string(LinkPurpose purpose) {
    switch (purpose) {
        case LinkPurpose::activation: return "activation";
        case LinkPurpose::password_reset: return "password_reset";
        case LinkPurpose::email_validation: return "email_validation";
    }
    return "activation";
}

}  // namespace guichet
