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
];

/** Roles with `oracleMaintained`, and the privileges/roles granted to them. */
export const DEFAULT_ROLES: ReadonlyArray<{ name: string; oracleMaintained: boolean; grants: string[] }> = [
  { name: "CONNECT", oracleMaintained: true, grants: ["CREATE SESSION", "SET CONTAINER"] },
  {
    name: "RESOURCE",
    oracleMaintained: true,
    grants: ["CREATE TABLE", "CREATE SEQUENCE", "CREATE PROCEDURE", "CREATE TRIGGER", "CREATE TYPE"],
  },
  { name: "SELECT_CATALOG_ROLE", oracleMaintained: true, grants: [] },
  { name: "EXECUTE_CATALOG_ROLE", oracleMaintained: true, grants: [] },
  { name: "DBA", oracleMaintained: true, grants: ["SELECT_CATALOG_ROLE", ...SYSTEM_PRIVILEGES.filter((p) => p !== "SET CONTAINER")] },
  { name: "PDB_DBA", oracleMaintained: true, grants: ["CONNECT", "CREATE SESSION", "CREATE ROLE", "CREATE USER"] },
  { name: "SODA_APP", oracleMaintained: true, grants: [] },
  // ADB creates these at provisioning; they are not part of the Oracle catalog (assumption: not maintained).
  { name: "DWROLE", oracleMaintained: false, grants: ["CONNECT", "RESOURCE", "CREATE VIEW", "CREATE SYNONYM"] },
  { name: "CONSOLE_DEVELOPER", oracleMaintained: false, grants: [] },
];

/** What ADB grants its ADMIN user (beyond the implicit user-administration rights the server models). */
export const ADMIN_GRANTS = ["PDB_DBA", "DWROLE", "CONNECT", "RESOURCE", "SELECT_CATALOG_ROLE", "CREATE SESSION", "UNLIMITED TABLESPACE"];

export const PROFILES = new Set(["DEFAULT", "ORA_STIG_PROFILE", "ORA_PROTECTED_PROFILE"]);

export const TABLESPACES = new Set(["SYSTEM", "SYSAUX", "DATA", "TEMP", "DBFS_DATA", "SAMPLESCHEMA"]);
