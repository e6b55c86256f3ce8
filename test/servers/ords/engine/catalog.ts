/**
 * The dictionary a fresh Autonomous Database shows: Oracle-maintained accounts, the common roles, the system
 * privileges the server knows. A realistic subset, not the full catalog.
 */
export const ORACLE_MAINTAINED_USERS: ReadonlyArray<{ name: string; locked: boolean }> = [
  { name: "SYS", locked: false },
  { name: "SYSTEM", locked: false },
  { name: "AUDSYS", locked: true },
  { name: "DBSNMP", locked: true },
  { name: "OUTLN", locked: true },
  { name: "XDB", locked: true },
  { name: "GSMADMIN_INTERNAL", locked: true },
  { name: "ORDS_METADATA", locked: true },
  { name: "ORDS_PUBLIC_USER", locked: false },
];

export const SYSTEM_PRIVILEGES: ReadonlyArray<string> = [
  "CREATE SESSION",
  "ALTER SESSION",
  "CREATE TABLE",
  "CREATE VIEW",
  "CREATE SEQUENCE",
  "CREATE PROCEDURE",
  "CREATE TRIGGER",
  "CREATE TYPE",
  "CREATE SYNONYM",
  "CREATE MATERIALIZED VIEW",
  "CREATE JOB",
  "CREATE DATABASE LINK",
  "CREATE ANY TABLE",
  "SELECT ANY TABLE",
  "SELECT ANY DICTIONARY",
  "UNLIMITED TABLESPACE",
  "CREATE USER",
  "ALTER USER",
  "DROP USER",
  "CREATE ROLE",
  "DROP ANY ROLE",
  "GRANT ANY ROLE",
  "GRANT ANY PRIVILEGE",
  "DEBUG CONNECT SESSION",
  "EXECUTE ANY PROCEDURE",
  "SET CONTAINER",
  "ALTER SYSTEM",
  "ALTER DATABASE",
  "ALTER ANY TABLE",
  "DROP ANY TABLE",
  "DELETE ANY TABLE",
  "INSERT ANY TABLE",
  "UPDATE ANY TABLE",
  "CREATE ANY PROCEDURE",
  "ALTER ANY ROLE",
  "GRANT ANY OBJECT PRIVILEGE",
  "ADMINISTER DATABASE TRIGGER",
  "BECOME USER",
  "EXEMPT ACCESS POLICY",
  "INHERIT ANY PRIVILEGES",
  "AUDIT ANY",
  "ANALYZE ANY",
];

/** Roles with `oracleMaintained`, and the privileges/roles granted to them. */
export const DEFAULT_ROLES: ReadonlyArray<{ name: string; oracleMaintained: boolean; grants: string[] }> = [
  { name: "CONNECT", oracleMaintained: true, grants: ["CREATE SESSION", "SET CONTAINER"] },
  {
    name: "RESOURCE",
    oracleMaintained: true,
    grants: ["CREATE TABLE", "CREATE SEQUENCE", "CREATE PROCEDURE", "CREATE TRIGGER", "CREATE TYPE"],
  },
  { name: "HS_ADMIN_SELECT_ROLE", oracleMaintained: true, grants: [] },
  { name: "HS_ADMIN_EXECUTE_ROLE", oracleMaintained: true, grants: [] },
  { name: "SELECT_CATALOG_ROLE", oracleMaintained: true, grants: ["HS_ADMIN_SELECT_ROLE"] },
  // Real contents: EXECUTE on DBMS_* packages (object grants, not modelled) plus HS_ADMIN_EXECUTE_ROLE.
  { name: "EXECUTE_CATALOG_ROLE", oracleMaintained: true, grants: ["HS_ADMIN_EXECUTE_ROLE"] },
  { name: "EXP_FULL_DATABASE", oracleMaintained: true, grants: ["SELECT_CATALOG_ROLE", "EXECUTE_CATALOG_ROLE", "CREATE SESSION", "CREATE TABLE", "SELECT ANY TABLE"] },
  { name: "IMP_FULL_DATABASE", oracleMaintained: true, grants: ["SELECT_CATALOG_ROLE", "EXECUTE_CATALOG_ROLE", "CREATE ANY TABLE", "DROP ANY TABLE", "BECOME USER", "CREATE USER", "ALTER USER", "DROP USER"] },
  { name: "DATAPUMP_EXP_FULL_DATABASE", oracleMaintained: true, grants: ["EXP_FULL_DATABASE"] },
  { name: "DATAPUMP_IMP_FULL_DATABASE", oracleMaintained: true, grants: ["EXP_FULL_DATABASE", "IMP_FULL_DATABASE"] },
  {
    name: "DBA",
    oracleMaintained: true,
    grants: [
      "SELECT_CATALOG_ROLE", "EXECUTE_CATALOG_ROLE", "EXP_FULL_DATABASE", "IMP_FULL_DATABASE", "DATAPUMP_EXP_FULL_DATABASE", "DATAPUMP_IMP_FULL_DATABASE",
      ...SYSTEM_PRIVILEGES.filter((p) => p !== "SET CONTAINER"),
    ],
  },
  // ADB's PDB_DBA: administration through CREATE USER/ROLE and GRANT ANY … (what ADMIN holds on ADB).
  { name: "PDB_DBA", oracleMaintained: true, grants: ["CONNECT", "CREATE SESSION", "CREATE ROLE", "CREATE USER", "ALTER USER", "DROP USER", "GRANT ANY ROLE", "GRANT ANY PRIVILEGE"] },
  { name: "SODA_APP", oracleMaintained: true, grants: [] },
  // ADB creates these at provisioning; they are not part of the Oracle catalog (assumption: not maintained).
  { name: "DWROLE", oracleMaintained: false, grants: ["CONNECT", "RESOURCE", "CREATE VIEW", "CREATE SYNONYM"] },
  { name: "CONSOLE_DEVELOPER", oracleMaintained: false, grants: [] },
];

/** What ADB grants its ADMIN user (beyond the implicit user-administration rights the server models). */
export const ADMIN_GRANTS = ["PDB_DBA", "DWROLE", "CONNECT", "RESOURCE", "SELECT_CATALOG_ROLE", "CREATE SESSION", "UNLIMITED TABLESPACE"];

export const PROFILES = new Set(["DEFAULT", "ORA_STIG_PROFILE", "ORA_PROTECTED_PROFILE"]);

export const TABLESPACES = new Set(["SYSTEM", "SYSAUX", "DATA", "TEMP", "DBFS_DATA", "SAMPLESCHEMA"]);
