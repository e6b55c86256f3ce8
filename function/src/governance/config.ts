import { z } from "zod";
import { configSchema } from "../config/schema";
import { APPLICATIONS, type Application } from "./operations";
import { GovernanceError } from "./errors";

/**
 * The template functions' configuration. AG_SYSTEMS lists the connected systems Access Governance knows,
 * as compact JSON (OCI allows 4 KB of config per function), e.g.
 * [{"name":"IdentityDomain","application":"idcs","host":"idcs-abc.identity.oraclecloud.com",
 *   "auth":{"type":"idcs","secret":"ocid1.vaultsecret.oc1..x"}}]
 */

const secretOcid = z.string().regex(/^ocid1\.vaultsecret\.[a-z0-9]+\.[a-z0-9-]*\.[A-Za-z0-9._-]+$/, "must be a Vault secret OCID");
/** host or host:port, no scheme and no path (those are separate fields). */
const hostName = z
  .string()
  .regex(/^(?=.{1,253}(:|$))[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:\d{1,5})?$/, "must be a host name, optionally with :port");
const urlPath = z.string().regex(/^(\/[A-Za-z0-9._~%!$&'()*+,;=:@-]+)+$/, "must be a path like /ords/admin (no trailing slash)");
const scope = z.string().min(1).max(500);

const basicAuth = z.object({ type: z.literal("basic"), secret: secretOcid }).strict();
const idcsAuth = z
  .object({ type: z.literal("idcs"), secret: secretOcid, tokenHost: hostName.optional(), tokenPath: urlPath.optional(), scope: scope.optional() })
  .strict();
const entraAuth = z
  .object({
    type: z.literal("entra"),
    secret: secretOcid,
    tokenHost: hostName.optional(),
    /** /<tenant id>/oauth2/v2.0/token */
    tokenPath: urlPath,
    scope: scope.optional(),
    grantType: z.string().regex(/^[A-Za-z0-9_:.-]+$/, "must be an OAuth grant type").optional(),
    /** http://proxy:port for the token request (the function's subnet may reach Microsoft only through it). */
    proxy: z.string().url().refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL").optional(),
  })
  .strict();
const ordsAuth = z.object({ type: z.literal("ords"), secret: secretOcid, tokenHost: hostName.optional(), tokenPath: urlPath.optional() }).strict();

const auth = z.discriminatedUnion("type", [basicAuth, idcsAuth, entraAuth, ordsAuth]);

/** Which credential types make sense for which application. */
const AUTH_FOR: Record<Application, readonly string[]> = {
  idcs: ["idcs", "basic"],
  azuread: ["entra"],
  adb: ["ords", "basic"],
};

const system = z
  .object({
    /** Connected system name as entered in Access Governance (matched case-insensitively). */
    name: z.string().trim().min(1).max(100),
    application: z.enum(APPLICATIONS),
    scheme: z.enum(["https", "http"]).default("https"),
    host: hostName,
    /** Prefixed to every template path: for adb the ORDS alias of Access Governance's schema, /ords/iam_adb_sync_ag. */
    basePath: urlPath.optional(),
    auth,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!AUTH_FOR[s.application].includes(s.auth.type)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["auth", "type"], message: `must be one of ${AUTH_FOR[s.application].join(", ")} for application ${s.application}` });
    }
    // ADMIN's REST alias on ADB: a credential there runs any SQL. The adb set reads Access Governance's own schema.
    if (s.application === "adb" && s.basePath?.toLowerCase() === "/ords/admin") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["basePath"],
        message: "is the ADMIN schema's alias; point the adb system at Access Governance's own schema (/ords/iam_adb_sync_ag, README \"Least-privilege database access\")",
      });
    }
  });

const systems = z
  .array(system)
  .min(1, "must list at least one connected system")
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      const key = s.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, "name"], message: `duplicates another system's name (names are case-insensitive)` });
      seen.add(key);
    });
  });

const governanceSchema = configSchema.pick({ LOG_LEVEL: true, CACHE_TTL_SECONDS: true, OCI_SECRETS_ENDPOINT: true }).extend({
  /**
   * How long discovered custom identity attributes are reused (0: discover on every schema, request and
   * response call). Five minutes: an attribute an administrator adds shows up at the next "Fetch Attributes"
   * a few minutes later, while a data load's many calls cost the target one schema read per warm instance.
   */
  AG_DISCOVERY_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  AG_SYSTEMS: z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be valid JSON" });
      return z.NEVER;
    }
  }).pipe(systems),
});

export type ConnectedSystem = z.output<typeof system>;
export type SystemAuth = ConnectedSystem["auth"];
export type GovernanceConfig = Omit<z.output<typeof governanceSchema>, "AG_SYSTEMS"> & { systems: readonly ConnectedSystem[] };

/** `AG_SYSTEMS[0].auth.secret`-style key paths, so an administrator finds the entry at once. */
function keyPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

export function loadGovernanceConfig(env: Readonly<Record<string, string | undefined>>): GovernanceConfig {
  const keys = ["LOG_LEVEL", "CACHE_TTL_SECONDS", "OCI_SECRETS_ENDPOINT", "AG_DISCOVERY_TTL_SECONDS", "AG_SYSTEMS"] as const;
  const raw = Object.fromEntries(keys.filter((k) => env[k] !== undefined && env[k] !== "").map((k) => [k, env[k]]));
  const r = governanceSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const message = issue.code === "invalid_type" && issue.received === "undefined" ? "is required" : issue.message;
    throw new GovernanceError(500, "invalid_config", `config ${keyPath(issue.path)}: ${message}`);
  }
  const { AG_SYSTEMS, ...rest } = r.data;
  return { ...rest, systems: AG_SYSTEMS };
}

export function findSystem(config: GovernanceConfig, name: string): ConnectedSystem {
  const wanted = name.trim().toLowerCase();
  const hit = config.systems.find((s) => s.name.toLowerCase() === wanted);
  if (!hit) {
    throw new GovernanceError(404, "unknown_system", `connected system "${name.slice(0, 100)}" is not configured; known: ${config.systems.map((s) => s.name).join(", ")}`);
  }
  return hit;
}
