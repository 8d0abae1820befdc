-- Web processes cache principals for a few seconds. Any change that can take access away (a session
-- deleted or cut short, a token revoked or deleted, a staff member changed or removed) notifies
-- every process at commit, so that none keeps serving a revoked principal from its cache.
-- Sign-in (INSERT) and extending a session do not notify.
CREATE OR REPLACE FUNCTION ledgerline_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  subject text;
BEGIN
  IF TG_TABLE_NAME = 'sessions' THEN
    subject := 's:' || OLD.token_hash;
  ELSIF TG_TABLE_NAME = 'api_tokens' THEN
    subject := 't:' || OLD.id::text;
  ELSE
    subject := 'p:' || OLD.id::text;
  END IF;
  PERFORM pg_notify('ledgerline_auth', subject);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sessions_auth_notify AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION ledgerline_auth_notify();
--> statement-breakpoint
CREATE TRIGGER sessions_shortened_auth_notify AFTER UPDATE ON sessions
  FOR EACH ROW WHEN (NEW.expires_at < OLD.expires_at OR NEW.staff_id IS DISTINCT FROM OLD.staff_id OR NEW.token_hash IS DISTINCT FROM OLD.token_hash)
  EXECUTE FUNCTION ledgerline_auth_notify();
--> statement-breakpoint
CREATE TRIGGER api_tokens_auth_notify AFTER UPDATE OR DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION ledgerline_auth_notify();
--> statement-breakpoint
CREATE TRIGGER staff_auth_notify AFTER UPDATE OR DELETE ON staff
  FOR EACH ROW EXECUTE FUNCTION ledgerline_auth_notify();
