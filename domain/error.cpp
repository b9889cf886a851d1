#include "domain/error.hpp"

namespace guichet {

std::string_view to_string(ErrorCode code) {
    switch (code) {
#define GUICHET_NAME_CODE(name) \
    case ErrorCode::name:       \
        return #name;
        GUICHET_ERROR_CODES(GUICHET_NAME_CODE)
#undef GUICHET_NAME_CODE
    }
    return "internal_error";
}

}  // namespace guichet
