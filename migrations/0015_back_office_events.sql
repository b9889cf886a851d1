-- Every back-office write is a security event with its agent (SPEC.md §8), and some concern no
-- single account: member records imported, a Connect identity of no account, a message retried,
-- a letter printed. Those have no account; an event without an account is always an agent's.
ALTER TABLE security_events ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE security_events ADD CONSTRAINT security_events_account_or_agent
    CHECK (account_id IS NOT NULL OR agent_id IS NOT NULL);
