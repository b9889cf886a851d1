-- A message's life (issue 15): once what it carries stops working (a code's 30 minutes, a
-- link's life), the dispatcher marks it `expired` instead of delivering it late. Its parameters
-- are erased then, as for a sent message.
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'expired'));
