-- A flow's version, bumped by every move: a step moves the flow only from the version it was
-- loaded at, so two submissions of a step that stays in its state (a resend) cannot both pass
-- the checks they read (the cooldown, the count of codes) and both write.
ALTER TABLE flows ADD COLUMN version integer NOT NULL DEFAULT 0;
