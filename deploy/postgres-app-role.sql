-- The role the service connects as on PostgreSQL: it reads and writes rows but owns nothing, so it cannot drop or
-- disable the append-only triggers, and it may not UPDATE, DELETE or TRUNCATE the evidence tables at all.
--
-- Run as the role that owns the tables (the one that runs `flask --app app db upgrade`), after every upgrade:
--   psql "postgresql://OWNER@HOST/DB" -v app_role=vip_app -v app_password='…' -f deploy/postgres-app-role.sql
-- then serve with VIP_DATABASE_URL=postgresql+psycopg://vip_app:…@HOST/DB. Running it again is harmless.

\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_role', :'app_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS',
              :'app_role', :'app_password') \gexec

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app_role') \gexec
GRANT USAGE ON SCHEMA public TO :"app_role";
REVOKE CREATE ON SCHEMA public FROM :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- Evidence: money movements, scans, signed documents and signatures, fees charged, the audit log.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, ledger_entries, scans, documents, signatures, charges FROM :"app_role";
-- …except re-encrypting a document's bytes under a new data key (flask keys rotate-data-key); a trigger still refuses
-- any other change to a document.
GRANT UPDATE (content_encrypted) ON documents TO :"app_role";
-- Money held's running totals are written only by the ledger's trigger, which runs as the owner (migration 0023).
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON money_held_totals FROM :"app_role";
-- Migrations are the owner's: the service never changes the schema's version.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM :"app_role";
