-- The in-process session cache of every `guichet serve` (infra/postgres/session_cache.hpp) must
-- hear of each change to what it holds: a session, its account, the account's member or Connect
-- identity. Triggers say it here, so no write path can forget: NOTIFY guichet_cache 'a:<account>'
-- (or '*' for all), delivered to the listeners when the transaction commits.
CREATE FUNCTION guichet_cache_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('guichet_cache', 'a:' || OLD.account_id);
    ELSIF TG_TABLE_NAME = 'accounts' THEN
        PERFORM pg_notify('guichet_cache', 'a:' || OLD.id);
    ELSIF TG_TABLE_NAME = 'members' THEN
        PERFORM pg_notify('guichet_cache', 'a:' || a.id) FROM accounts a WHERE a.member_id = OLD.id;
    ELSIF TG_TABLE_NAME = 'connect_identities' THEN
        PERFORM pg_notify('guichet_cache', 'a:' || a.id) FROM accounts a WHERE a.identity_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION guichet_cache_all_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('guichet_cache', '*');
    RETURN NULL;
END $$;

CREATE TRIGGER sessions_cache AFTER UPDATE OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION guichet_cache_account_changed();
CREATE TRIGGER accounts_cache AFTER UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION guichet_cache_account_changed();
CREATE TRIGGER members_cache AFTER UPDATE OR DELETE ON members FOR EACH ROW EXECUTE FUNCTION guichet_cache_account_changed();
CREATE TRIGGER identities_cache AFTER UPDATE OR DELETE ON connect_identities FOR EACH ROW EXECUTE FUNCTION guichet_cache_account_changed();
CREATE TRIGGER sessions_cache_truncate AFTER TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION guichet_cache_all_changed();
CREATE TRIGGER accounts_cache_truncate AFTER TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION guichet_cache_all_changed();
CREATE TRIGGER members_cache_truncate AFTER TRUNCATE ON members FOR EACH STATEMENT EXECUTE FUNCTION guichet_cache_all_changed();
CREATE TRIGGER identities_cache_truncate AFTER TRUNCATE ON connect_identities FOR EACH STATEMENT EXECUTE FUNCTION guichet_cache_all_changed();
