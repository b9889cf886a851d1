-- Identifier switch (seed 002, SPEC.md §3.7): a validation link names the flow that keeps the
-- chosen email (and the new credentials, encrypted) until the link is followed, so nothing is
-- created under an email before its owner has proven it.
ALTER TABLE link_tokens ADD COLUMN flow_id text;
