#pragma once
// Port: hand a message over for delivery. Obtained from a Transaction, so the message is written
// with the change that needs it: a code is never stored without its message, and no message
// leaves for a change that rolled back (SPEC.md §7). Delivery happens later, at least once.
#include <cstdint>

#include "domain/notifications/message.hpp"

namespace guichet {

using MessageId = std::int64_t;

class Notifier {
public:
    virtual ~Notifier() = default;
    virtual MessageId enqueue(const OutgoingMessage& message) = 0;
};

}  // namespace guichet
