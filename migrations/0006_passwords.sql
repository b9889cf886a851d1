-- Password resets by link (SPEC.md §3.3-3.4, seed 002): wrong secret answers given with one link
-- are counted, so a link cannot be used to guess the answer.
ALTER TABLE link_tokens ADD COLUMN attempts integer NOT NULL DEFAULT 0;

-- Required actions that outlive a session (seed 004): after a temporary password, the contacts and
-- the email must still be confirmed at the next login if the member stopped half-way.
ALTER TABLE accounts ADD COLUMN required_actions text[] NOT NULL DEFAULT '{}';
