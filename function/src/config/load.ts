import { z } from "zod";
import type { Grantable } from "../plan/ops";
import { ALLOWED_PRIVILEGES, privilegeRefusal } from "../policy/privileges";
import { parseDbIdentifier } from "../sql/quote";
import { BUILTIN_DENY_ROLES, configSchema, type Config } from "./schema";

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config ${key}: ${message}`);
  }
}

export interface ProvisionConfig extends Omit<Config, "GROUP_ROLE_MAP" | "DEFAULT_GRANTS" | "DENY_ROLES"> {
  /** IAM group name or OCID → what membership grants. Only these groups have any effect. */
  mapping: ReadonlyMap<string, readonly Grantable[]>;
  defaultGrants: readonly Grantable[];
  /** Everything the product may grant or revoke: defaults ∪ all mapped roles. */
  managed: ReadonlyMap<string, Grantable>;
  /** Roles and privileges no grant may reach (built-in ∪ DENY_ROLES): the transitive role check uses it. */
  denied: ReadonlySet<string>;
}

/** Role or system privilege as configured: several words make a system privilege (CREATE SESSION). */
export function toGrantable(name: string, key: string): Grantable {
  if (name.includes(" ")) return { kind: "privilege", name };
  try {
    return { kind: "role", name: parseDbIdentifier(name, "role") };
  } catch (err) {
    throw new ConfigError(key, (err as Error).message);
  }
}

export const grantableKey = (g: Grantable): string => `${g.kind}:${g.name}`;

/**
 * Parses ctx.config once into a typed object. A missing or malformed value stops the invocation with an
 * error naming the key; denied roles are refused here, before anything can grant them.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ProvisionConfig {
  const keys = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];
  const raw = Object.fromEntries(keys.filter((k) => env[k] !== undefined && env[k] !== "").map((k) => [k, env[k]]));
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0] as z.ZodIssue;
    const key = String(issue.path[0] ?? "config");
    const message = issue.code === "invalid_type" && issue.received === "undefined" ? "is required" : issue.message;
    throw new ConfigError(key, `${message}${issue.path.length > 1 ? ` (at ${issue.path.slice(1).join(".")})` : ""}`);
  }
  const { GROUP_ROLE_MAP, DEFAULT_GRANTS, DENY_ROLES, ...rest } = r.data;
  const deny = new Set<string>([...BUILTIN_DENY_ROLES, ...DENY_ROLES]);
  for (const extra of rest.EXTRA_PRIVILEGES) {
    const why = privilegeRefusal(extra);
    if (why) throw new ConfigError("EXTRA_PRIVILEGES", why);
  }
  const allowed = new Set([...ALLOWED_PRIVILEGES, ...rest.EXTRA_PRIVILEGES]);
  const check = (name: string, key: string): Grantable => {
    if (deny.has(name)) throw new ConfigError(key, `${name} is on the deny-list and may not be granted by this product`);
    const g = toGrantable(name, key);
    if (g.kind === "privilege" && !allowed.has(g.name)) {
      throw new ConfigError(key, privilegeRefusal(g.name) ?? `${g.name} is not on the system privilege allow-list (add it to EXTRA_PRIVILEGES to allow it)`);
    }
    return g;
  };
  const mapping = new Map<string, Grantable[]>();
  for (const [group, roles] of Object.entries(GROUP_ROLE_MAP)) {
    mapping.set(group, roles.map((role) => check(role, `GROUP_ROLE_MAP.${group}`)));
  }
  const defaultGrants = DEFAULT_GRANTS.map((g) => check(g, "DEFAULT_GRANTS"));
  const managed = new Map<string, Grantable>();
  for (const g of [...defaultGrants, ...[...mapping.values()].flat()]) managed.set(grantableKey(g), g);
  if (rest.AUDIT_BUCKET === undefined && rest.AUDIT_NAMESPACE !== undefined) {
    throw new ConfigError("AUDIT_NAMESPACE", "is set but AUDIT_BUCKET is not");
  }
  return { ...rest, mapping, defaultGrants, managed, denied: deny };
}
