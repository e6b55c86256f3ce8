-- iam-adb-sync: the read-only surface Oracle Access Governance gets on the database.
-- Run as ADMIN (SQL worksheet, SQLcl or REST-enabled SQL). Idempotent: every statement can run again, e.g.
-- after an upgrade changes a view. Access Governance's schema can read these three views and nothing else:
-- no table, no dictionary view, no privilege beyond CREATE SESSION (needed for ORDS to connect as it).
-- READ, not SELECT: SELECT would also allow SELECT ... FOR UPDATE, i.e. locking the registry's rows.
WHENEVER SQLERROR EXIT FAILURE

-- 1. Views (owned by ADMIN) over the registry and the grants of the accounts the product manages.
CREATE OR REPLACE VIEW IAM_ADB_SYNC_AG_ACCOUNTS AS
  SELECT DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, STATUS, CREATED_AT, UPDATED_AT
  FROM IAM_ADB_SYNC_ACCOUNTS;

CREATE OR REPLACE VIEW IAM_ADB_SYNC_AG_GRANTS AS
  SELECT GRANTEE, GRANTED_ROLE
  FROM DBA_ROLE_PRIVS
  WHERE GRANTEE IN (SELECT DB_USERNAME FROM IAM_ADB_SYNC_ACCOUNTS);

CREATE OR REPLACE VIEW IAM_ADB_SYNC_AG_ROLES AS
  SELECT ROLE, ORACLE_MAINTAINED FROM DBA_ROLES;

-- 2. The schema Access Governance uses: no password (reached only through ORDS), no other privilege.
DECLARE
  n PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO n FROM DBA_USERS WHERE USERNAME = 'IAM_ADB_SYNC_AG';
  IF n = 0 THEN
    EXECUTE IMMEDIATE 'CREATE USER IAM_ADB_SYNC_AG NO AUTHENTICATION';
  END IF;
END;
/
GRANT CREATE SESSION TO IAM_ADB_SYNC_AG;
GRANT READ ON IAM_ADB_SYNC_AG_ACCOUNTS TO IAM_ADB_SYNC_AG;
GRANT READ ON IAM_ADB_SYNC_AG_GRANTS TO IAM_ADB_SYNC_AG;
GRANT READ ON IAM_ADB_SYNC_AG_ROLES TO IAM_ADB_SYNC_AG;

-- 3. Names without the owner, so templates never name ADMIN.
CREATE OR REPLACE SYNONYM IAM_ADB_SYNC_AG.AG_ACCOUNTS FOR ADMIN.IAM_ADB_SYNC_AG_ACCOUNTS;
CREATE OR REPLACE SYNONYM IAM_ADB_SYNC_AG.AG_GRANTS FOR ADMIN.IAM_ADB_SYNC_AG_GRANTS;
CREATE OR REPLACE SYNONYM IAM_ADB_SYNC_AG.AG_ROLES FOR ADMIN.IAM_ADB_SYNC_AG_ROLES;

-- 4. REST-enable the schema under its own alias (/ords/iam_adb_sync_ag/); ENABLE_SCHEMA can run again.
BEGIN
  ORDS_ADMIN.ENABLE_SCHEMA(
    p_enabled => TRUE,
    p_schema => 'IAM_ADB_SYNC_AG',
    p_url_mapping_type => 'BASE_PATH',
    p_url_mapping_pattern => 'iam_adb_sync_ag',
    p_auto_rest_auth => TRUE);
  COMMIT;
END;
/
-- 5. Then register this schema's own OAuth client (client credentials, ORDS role "SQL Developer"; README,
--    "Least-privilege database access"), put its id and secret in the Vault secret of the "adb" connected
--    system and set that system's basePath to /ords/iam_adb_sync_ag. Never reuse the provisioning function's
--    ADMIN client.
