import { z } from "zod";

/**
 * The provisioning function's configuration, as the Functions service hands it over in `ctx.config`
 * (function config entries arrive as environment variables). OCI caps application + function config at
 * 4 KB each, so keys are short and values compact (JSON only where a structure is needed).
 */

/** Roles no mapping may grant; the user's DENY_ROLES are added to these. */
export const BUILTIN_DENY_ROLES = [
  "DBA",
  "PDB_DBA",
  "SYSDBA",
  "SYSOPER",
  "SYSBACKUP",
  "SYSDG",
  "SYSKM",
  "SYSRAC",
  "IMP_FULL_DATABASE",
  "EXP_FULL_DATABASE",
  "DATAPUMP_CLOUD_IMP",
  "DATAPUMP_CLOUD_EXP",
  "GRANT ANY ROLE",
  "GRANT ANY PRIVILEGE",
  "ALTER USER",
  "DROP USER",
  "CREATE USER",
  "BECOME USER",
  "EXECUTE_CATALOG_ROLE",
] as const;

/** Database role or system privilege name as written in config: plain Oracle identifier words. */
const privilegeName = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase().replace(/\s+/g, " "))
  .pipe(
    z
      .string()
      .regex(/^[A-Z][A-Z0-9_$#]*( [A-Z][A-Z0-9_$#]*)*$/, "must be a role or privilege name (letters, digits, _ $ #)")
      .max(128),
  );

const csv = (item: z.ZodTypeAny) =>
  z
    .string()
    .transform((s) => s.split(",").map((p) => p.trim()).filter((p) => p.length > 0))
    .pipe(z.array(item));

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const jsonString = <T extends z.ZodTypeAny>(inner: T) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be valid JSON" });
      return z.NEVER;
    }
  }).pipe(inner);

const ocid = z.string().regex(/^ocid1\.[a-z0-9]+\.[a-z0-9-]*\.[a-z0-9-]*\.[A-Za-z0-9._-]+$/, "must be an OCID");

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL")
  .transform((u) => u.replace(/\/+$/, ""));

export const configSchema = z.object({
  /** ORDS base URL of the REST-enabled schema, e.g. https://abc-db.adb.eu-frankfurt-1.oraclecloudapps.com/ords/admin */
  ORDS_URL: httpUrl.refine((u) => /\/ords\/[^/]+$/.test(u), "must end in /ords/<schema-alias>"),
  /** oauth: client credentials secret {clientId, clientSecret}; basic: database user secret {username, password}. */
  ORDS_AUTH: z.enum(["oauth", "basic"]).default("oauth"),
  /** Vault secret holding the ORDS credentials as JSON. */
  ORDS_SECRET_OCID: ocid,
  /** {"<IAM group name or OCID>": ["ROLE", ...]} — only these groups have any effect. */
  GROUP_ROLE_MAP: jsonString(z.record(z.string().min(1), z.array(privilegeName))).default("{}"),
  /** How an IAM user name becomes a database user name; see function/src/naming. */
  NAMING_RULE: z.enum(["username", "email_local"]).default("username"),
  /** Optional prefix for every managed database user name (e.g. IAM_). */
  NAME_PREFIX: z
    .string()
    .regex(/^([A-Z][A-Z0-9_$#]{0,29})?$/, "must start with a letter and use A-Z 0-9 _ $ #")
    .default(""),
  /** Identity domain name; anything other than Default prefixes IAM_PRINCIPAL_NAME with "<domain>/". */
  IDENTITY_DOMAIN: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, "must be an identity domain name").default("Default"),
  /** iam: IDENTIFIED GLOBALLY (database logins through OCI IAM); password: random password, expired at once. */
  ACCOUNT_AUTH: z.enum(["iam", "password"]).default("iam"),
  /** What a deleted IAM user does to its database account. */
  DELETE_POLICY: z.enum(["lock", "drop", "drop_cascade"]).default("lock"),
  /** Granted to every account the product creates. */
  DEFAULT_GRANTS: csv(privilegeName).default("CREATE SESSION"),
  /** Extra roles/privileges to refuse, on top of BUILTIN_DENY_ROLES. */
  DENY_ROLES: csv(privilegeName).default(""),
  /** System privileges beyond the built-in allow-list (policy/privileges.ts); each must pass the refusal rule. */
  EXTRA_PRIVILEGES: csv(privilegeName).default(""),
  /** Oracle-maintained roles a mapping may grant (they are refused otherwise), e.g. SODA_APP. */
  ALLOW_ORACLE_ROLES: csv(privilegeName).default(""),
  /**
   * Seconds after an event during which IAM not yet showing what the event announces (a new user, a membership,
   * a deletion) is answered "retry later" rather than synced: IAM reads are eventually consistent.
   */
  CONSISTENCY_WINDOW_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  /** Identity domain URL for SCIM look-ups (https://idcs-….identity.oraclecloud.com); IAM API otherwise. */
  IDENTITY_DOMAIN_URL: httpUrl.optional(),
  /** Object Storage bucket for one audit record per event; empty disables auditing. */
  AUDIT_BUCKET: z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, "must be a bucket name").optional(),
  AUDIT_NAMESPACE: z.string().regex(/^[a-z0-9-]{1,64}$/i, "must be an Object Storage namespace").optional(),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** Plan and report SQL without executing anything that changes the database. */
  DRY_RUN: bool.default("false"),
  /** Seconds a cached secret or token may live before it is fetched again. */
  CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86400).default(900),
  /** Reconciliation: Vault secret {clientId, clientSecret} of the identity domain OAuth client that reads SCIM. */
  RECONCILE_SECRET_OCID: ocid.optional(),
  /** Reconciliation: SCIM and registry page size (RFC 7644 count / ORDS limit). */
  RECONCILE_PAGE: z.coerce.number().int().min(1).max(10000).default(1000),
  /** Reconciliation: statements sent per ORDS call. */
  RECONCILE_BATCH: z.coerce.number().int().min(1).max(5000).default(200),
  /** Deletion guard: a run that would remove or lock more than this share (0-1) of managed accounts stops. */
  RECONCILE_GUARD_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  /** Deletion guard: … or more than this number of accounts. */
  RECONCILE_GUARD_MAX: z.coerce.number().int().min(0).default(100),
  /** Endpoint overrides (private endpoints, local sandbox). */
  OCI_SECRETS_ENDPOINT: httpUrl.optional(),
  OCI_OBJECTSTORAGE_ENDPOINT: httpUrl.optional(),
  OCI_IDENTITY_ENDPOINT: httpUrl.optional(),
});

export type RawConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
