#pragma once
// Use cases: an agent sends an undeliverable message again; the print provider acknowledges a
// printed letter (SPEC.md §3.9). Each change commits with the security event that says who made
// it (SPEC.md §8); neither names an account, so the event has none.
#include <string>

#include "domain/unit_of_work.hpp"

namespace guichet {

class OutboxActions {
public:
    explicit OutboxActions(UnitOfWork& uow) : uow_(uow) {}
    // not_found unless the message is dead.
    Result<void> retry(const std::string& agent, MessageId id);
    // not_found unless the letter waits to be printed.
    Result<void> mark_printed(const std::string& agent, MessageId id);

private:
    UnitOfWork& uow_;
};

}  // namespace guichet
