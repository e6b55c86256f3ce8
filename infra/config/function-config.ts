import type { Environment } from "./environment-schema";

/**
 * Maps an environment to the provisioning function's config entries (function/src/config/schema.ts reads them).
 * Values known only at deploy time (OCIDs, the Object Storage namespace, the ADB's ORDS URL) are Terraform
 * expressions; for the 4 KB size check each carries the most bytes it can take.
 */

/** OCI caps application config and function config at 4 KB each (UTF-8 bytes of keys and values). */
export const OCI_CONFIG_LIMIT_BYTES = 4096;

/**
 * A config value: known now, or a Terraform expression with an upper bound on its resolved length and an
 * example of what it resolves to (for checking the config against the function's rules at synth).
 */
export type ConfigValue = string | { expression: string; maxBytes: number; example: string };

/** What the stack knows only as references when it maps the config. */
export interface DeployRefs {
  ordsUrl: ConfigValue;
  ordsSecretId: ConfigValue;
  auditBucket?: ConfigValue;
  auditNamespace?: ConfigValue;
}

type Entry = { key: string; value: (env: Environment, refs: DeployRefs) => ConfigValue | undefined };

const num = (n: number | undefined) => (n === undefined ? undefined : String(n));
const csv = (items: string[]) => (items.length > 0 ? items.join(",") : undefined);
const flag = (b: boolean) => (b ? "true" : "false");

/** One row per config key; add RECONCILE_* and future keys here. */
export const PROVISIONING_CONFIG: readonly Entry[] = [
  { key: "ORDS_URL", value: (_e, r) => r.ordsUrl },
  { key: "ORDS_AUTH", value: (e) => e.provisioning.authMode },
  { key: "ORDS_SECRET_OCID", value: (_e, r) => r.ordsSecretId },
  { key: "GROUP_ROLE_MAP", value: (e) => JSON.stringify(e.provisioning.groupRoleMap) },
  { key: "NAMING_RULE", value: (e) => e.provisioning.namingRule },
  { key: "NAME_PREFIX", value: (e) => e.provisioning.namePrefix || undefined },
  { key: "IDENTITY_DOMAIN", value: (e) => e.provisioning.identityDomain },
  { key: "IDENTITY_DOMAIN_URL", value: (e) => e.provisioning.identityDomainUrl },
  { key: "ACCOUNT_AUTH", value: (e) => e.provisioning.accountAuth },
  { key: "DELETE_POLICY", value: (e) => e.provisioning.deletePolicy },
  { key: "DEFAULT_GRANTS", value: (e) => csv(e.provisioning.defaultGrants) ?? "" },
  { key: "DENY_ROLES", value: (e) => csv(e.provisioning.denyRoles) },
  { key: "EXTRA_PRIVILEGES", value: (e) => csv(e.provisioning.extraPrivileges) },
  { key: "ALLOW_ORACLE_ROLES", value: (e) => csv(e.provisioning.allowOracleRoles) },
  { key: "CONSISTENCY_WINDOW_SECONDS", value: (e) => num(e.provisioning.consistencyWindowSeconds) },
  { key: "AUDIT_BUCKET", value: (_e, r) => r.auditBucket },
  { key: "AUDIT_NAMESPACE", value: (_e, r) => r.auditNamespace },
  { key: "LOG_LEVEL", value: (e) => e.provisioning.logLevel },
  { key: "DRY_RUN", value: (e) => flag(e.provisioning.dryRun) },
  { key: "CACHE_TTL_SECONDS", value: (e) => String(e.provisioning.cacheTtlSeconds) },
  { key: "RECONCILE_SECRET_OCID", value: (e) => e.reconcile.secretOcid },
  { key: "RECONCILE_PAGE", value: (e) => num(e.reconcile.pageSize) },
  { key: "RECONCILE_BATCH", value: (e) => num(e.reconcile.batchSize) },
  { key: "RECONCILE_GUARD_SHARE", value: (e) => num(e.reconcile.guardShare) },
  { key: "RECONCILE_GUARD_MAX", value: (e) => num(e.reconcile.guardMax) },
];

/** The mapped entries, without the ones that have no value for this environment. */
export function provisioningConfig(env: Environment, refs: DeployRefs): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const { key, value } of PROVISIONING_CONFIG) {
    const v = value(env, refs);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export class ConfigTooLargeError extends Error {
  constructor(
    readonly where: string,
    readonly bytes: number,
    readonly largest: string[],
  ) {
    super(
      `${where}: function config can reach ${bytes} bytes, over the OCI limit of ${OCI_CONFIG_LIMIT_BYTES}; ` +
        `largest entries: ${largest.join(", ")}`,
    );
    this.name = "ConfigTooLargeError";
  }
}

function entryBytes(key: string, value: ConfigValue): number {
  const valueBytes = typeof value === "string" ? Buffer.byteLength(value, "utf8") : value.maxBytes;
  return Buffer.byteLength(key, "utf8") + valueBytes;
}

/** Worst-case size of a config map; throws ConfigTooLargeError naming `where` and the biggest keys when over. */
export function assertConfigFits(where: string, config: Record<string, ConfigValue>): number {
  const sizes = Object.entries(config).map(([k, v]) => [k, entryBytes(k, v)] as const);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  if (total > OCI_CONFIG_LIMIT_BYTES) {
    const largest = [...sizes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, n]) => `${k} (${n} B)`);
    throw new ConfigTooLargeError(where, total, largest);
  }
  return total;
}

/** The config as the function would see it, deploy-time values replaced by examples of their shape. */
export function exampleConfig(config: Record<string, ConfigValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : v.example]));
}

/** Terraform config map values: literal strings stay, expressions become their interpolation. */
export function renderConfig(config: Record<string, ConfigValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : v.expression]));
}
