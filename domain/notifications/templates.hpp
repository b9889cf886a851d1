#pragma once
// The French text of every message (SPEC.md §1-3, wording of the seeds), for each channel.
#include "domain/error.hpp"
#include "domain/notifications/message.hpp"

namespace guichet {

// validation_error naming the parameter when one the kind needs is missing; a kind that makes
// no sense on a channel (an activation link by SMS) is validation_error too.
Result<RenderedMessage> render(const OutgoingMessage& message, const BrandSettings& brand);

}  // namespace guichet
