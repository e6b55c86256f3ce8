import { z } from "zod";
import { parseImageRef } from "../image/image-ref";
import { cidrInside, parseCidr } from "./cidr";

/**
 * One deployment environment (one tenancy/region/compartment), as checked in under infra/environments/<name>.json.
 * Parsed before anything is synthesized; the stack only ever sees the parsed, defaulted shape.
 */

const ocid = (kind: string) =>
  z
    .string()
    .regex(new RegExp(`^ocid1\\.${kind}\\.[a-z0-9]+\\.[a-z0-9-]*\\.[A-Za-z0-9._-]+$`), `must be an OCID of type ${kind}`);

const region = z.string().regex(/^[a-z]{2,}-[a-z]+-\d+$/, "must be an OCI region identifier such as eu-frankfurt-1");

/** Names that end up in resource display names and policy text: keep them plain. */
const resourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, "must be 3-32 characters: lower-case letters, digits and -");

const privilegeName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_$#]*( [A-Z][A-Z0-9_$#]*)*$/, "must be an upper-case role or privilege name");

const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith("https://"), "must be an https:// URL")
  .transform((u) => u.replace(/\/+$/, ""));

/** An existing OCID, or the literal "create" for the stack to make one. */
const existingOrCreate = (kind: string) => z.union([z.literal("create"), ocid(kind)]);

const database = z
  .object({
    /** Base ORDS URL up to and including /ords, e.g. https://abc-db.adb.eu-frankfurt-1.oraclecloudapps.com/ords */
    ordsUrl: httpsUrl.refine((u) => u.endsWith("/ords"), "must end in /ords (the schema alias is a separate key)").optional(),
    /** Or the Autonomous Database, whose ORDS URL the stack reads with the oci_database_autonomous_database data source. */
    autonomousDatabaseOcid: ocid("autonomousdatabase").optional(),
    /** The REST-enabled schema's URL alias (…/ords/<alias>/_/sql). */
    schemaAlias: z.string().regex(/^[a-z0-9_]{1,128}$/, "must be a lower-case ORDS schema alias"),
  })
  .strict()
  .superRefine((d, ctx) => {
    if ((d.ordsUrl === undefined) === (d.autonomousDatabaseOcid === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "set exactly one of ordsUrl and autonomousDatabaseOcid" });
    }
  });

const secrets = z
  .object({
    /** "create": a secret in the vault whose value comes from sensitive variables at deploy time. */
    ords: existingOrCreate("vaultsecret"),
    /** Compartment of an existing secret, when it is not the environment's compartment (scopes the read policy). */
    ordsSecretCompartment: ocid("compartment").optional(),
  })
  .strict();

/**
 * "create": a DEFAULT vault and key. {create: {type, keyRotationDays}}: a VIRTUAL_PRIVATE vault can rotate its key
 * automatically (OCI offers automatic rotation only there, every 60-365 days). Or an existing vault and key.
 */
const vault = z.union([
  z.literal("create"),
  z
    .object({
      create: z
        .object({
          type: z.enum(["DEFAULT", "VIRTUAL_PRIVATE"]),
          keyRotationDays: z.number().int().min(60).max(365).optional(),
        })
        .strict()
        .refine((c) => c.keyRotationDays === undefined || c.type === "VIRTUAL_PRIVATE", {
          message: "automatic key rotation needs a VIRTUAL_PRIVATE vault",
          path: ["keyRotationDays"],
        }),
    })
    .strict(),
  z.object({ vaultOcid: ocid("vault"), keyOcid: ocid("key") }).strict(),
]);

/** An IPv4 CIDR block, checked by arithmetic (octets 0-255, prefix 0-32, no host bits set). */
const cidr = z.string().superRefine((c, ctx) => {
  const problem = parseCidr(c).problem;
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

const network = z.union([
  z.object({ subnetOcid: ocid("subnet"), compartmentOcid: ocid("compartment").optional() }).strict(),
  z
    .object({
      create: z
        .object({
          /** OCI VCNs take /16 to /30. */
          vcnCidr: cidr.default("10.20.0.0/16"),
          subnetCidr: cidr.default("10.20.1.0/24"),
        })
        .strict()
        .superRefine((n, ctx) => {
          const vcn = parseCidr(n.vcnCidr);
          if (vcn.problem === undefined && (vcn.prefix < 16 || vcn.prefix > 30)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["vcnCidr"], message: "an OCI VCN must be /16 to /30" });
          }
          if (!vcn.problem && !parseCidr(n.subnetCidr).problem && !cidrInside(n.subnetCidr, n.vcnCidr)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ["subnetCidr"],
              message: `${n.subnetCidr} is not inside the VCN's ${n.vcnCidr}`,
            });
          }
        }),
    })
    .strict(),
]);

/** `<repository>:<tag>@sha256:<digest>`: the tag says what it is, the digest fixes the bytes. */
const PINNED_IMAGE = /^[^@]+:[\w][\w.-]{0,127}@sha256:[a-f0-9]{64}$/;

/**
 * Digest placeholder of the default base image: synth accepts it, deploy's preflight refuses it until
 * `npm run image:pin -- <env>` has written the digest the registry serves for the tag.
 */
export const UNPINNED_DIGEST = `sha256:${"0".repeat(64)}`;
export const DEFAULT_BASE_IMAGE = `docker.io/fnproject/node:22@${UNPINNED_DIGEST}`;

/** OCI Functions allows these memory sizes (MB); synchronous invocations time out after at most 300 s. */
const MEMORY_MB = [128, 256, 512, 1024, 2048, 3072] as const;

const functionSettings = z
  .object({
    memoryMb: z
      .number()
      .int()
      .refine((m) => (MEMORY_MB as readonly number[]).includes(m), `must be one of ${MEMORY_MB.join(", ")}`)
      .default(256),
    timeoutSeconds: z.number().int().min(5).max(300).default(120),
    /** Processor shape of the application; the image's platform follows it. */
    shape: z.enum(["GENERIC_X86", "GENERIC_ARM"]).default("GENERIC_X86"),
    /**
     * The fn Node 22 runtime image the bundle is layered on, pinned: `<repository>:<tag>@sha256:<digest>` (the tag
     * is for people, the digest is what is pulled). `npm run image:pin -- <env>` resolves the tag and writes it.
     */
    baseImage: z
      .string()
      .refine((r) => {
        try {
          parseImageRef(r);
          return true;
        } catch {
          return false;
        }
      }, "must be an image reference such as docker.io/fnproject/node:22@sha256:<digest>")
      .refine(
        (r) => PINNED_IMAGE.test(r),
        "must name a tag and pin its digest: <repository>:<tag>@sha256:<64 hex> (npm run image:pin -- <env> writes it)",
      )
      .default(DEFAULT_BASE_IMAGE),
    /**
     * How the push logs in to the base image's registry: "none" (anonymous Docker Hub, the default) or "token"
     * (a mirror such as OCIR: sensitive variables base_registry_username and base_registry_password).
     */
    baseRegistryAuth: z.enum(["none", "token"]).default("none"),
    /**
     * How the deploy-time image push logs in to OCIR: "token" uses the sensitive variables ocir_username and
     * ocir_auth_token; "profile" signs a registry token request with the OCI config profile's API key.
     */
    registryAuth: z.enum(["token", "profile"]).default("token"),
  })
  .strict();

const provisioning = z
  .object({
    authMode: z.enum(["oauth", "basic"]).default("oauth"),
    /** IAM group name or OCID → database roles. Only these groups have any effect. */
    groupRoleMap: z.record(z.string().min(1), z.array(privilegeName)).default({}),
    namingRule: z.enum(["username", "email_local"]).default("username"),
    namePrefix: z.string().regex(/^([A-Z][A-Z0-9_$#]{0,29})?$/, "must be empty or start with A-Z").default(""),
    identityDomain: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/).default("Default"),
    identityDomainUrl: httpsUrl.optional(),
    /** The identity domain's OCID: the plan checks that its home region is the deployment region. */
    identityDomainOcid: ocid("domain").optional(),
    accountAuth: z.enum(["iam", "password"]).default("iam"),
    deletePolicy: z.enum(["lock", "drop", "drop_cascade"]).default("lock"),
    defaultGrants: z.array(privilegeName).default(["CREATE SESSION"]),
    denyRoles: z.array(privilegeName).default([]),
    /** System privileges beyond the function's allow-list (each must pass its refusal rule). */
    extraPrivileges: z.array(privilegeName).default([]),
    /** Oracle-maintained roles a mapping may grant. */
    allowOracleRoles: z.array(privilegeName).default([]),
    /** Seconds after an event during which IAM lagging behind it means "retry". */
    consistencyWindowSeconds: z.number().int().min(0).max(3600).optional(),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    dryRun: z.boolean().default(false),
    cacheTtlSeconds: z.number().int().min(0).max(86400).default(900),
  })
  .strict();

/** Full synchronisation (function/src/reconcile); unset keys keep the function's defaults. */
const reconcile = z
  .object({
    /** Vault secret with the identity domain OAuth client {clientId, clientSecret} that reads SCIM. */
    secretOcid: ocid("vaultsecret").optional(),
    pageSize: z.number().int().min(1).max(10000).optional(),
    batchSize: z.number().int().min(1).max(5000).optional(),
    /** Deletion guard: stop when a run would remove or lock more than this share (0-1) of managed accounts… */
    guardShare: z.number().min(0).max(1).optional(),
    /** …or more than this many accounts. */
    guardMax: z.number().int().min(0).optional(),
    /** Hours between scheduled reconcile runs (OCI Resource Scheduler); 0 turns the schedule off. */
    intervalHours: z.number().int().min(0).max(168).default(24),
  })
  .strict();

/** OCI Logging keeps logs for 30-180 days in steps of 30. */
const logging = z
  .object({
    retentionDays: z
      .number()
      .int()
      .refine((d) => d >= 30 && d <= 180 && d % 30 === 0, "must be 30, 60, 90, 120, 150 or 180")
      .default(30),
  })
  .strict();

const audit = z
  .object({
    enabled: z.boolean().default(true),
    /** Records (and their previous versions) are deleted this many days after they are written. */
    retentionDays: z.number().int().min(1).max(36500).default(365),
    /**
     * Object Storage retention rule: no record, and no version of one, can be changed or deleted before it is this
     * many days old, by anyone. Off by default; lock it in the console once you are sure (a locked rule cannot be
     * shortened or removed).
     */
    retentionRuleDays: z.number().int().min(1).max(36500).optional(),
    /** Customer-managed key for the bucket; Oracle-managed encryption otherwise. */
    kmsKeyOcid: ocid("key").optional(),
    /** Or "stack": the key of the vault this stack creates (and rotates, see vault.create.keyRotationDays). */
    kmsKey: z.literal("stack").optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.kmsKey !== undefined && a.kmsKeyOcid !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["kmsKey"], message: "set kmsKey or kmsKeyOcid, not both" });
    }
    if (a.retentionRuleDays !== undefined && a.retentionRuleDays > a.retentionDays) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["retentionRuleDays"],
        message: `must not exceed retentionDays (${a.retentionDays}): the lifecycle rule could never delete a record`,
      });
    }
  });

const alarms = z.discriminatedUnion("enabled", [
  z.object({ enabled: z.literal(false) }).strict(),
  z.object({ enabled: z.literal(true), email: z.string().email("must be an e-mail address") }).strict(),
]);

const accessGovernance = z.discriminatedUnion("enabled", [
  z.object({ enabled: z.literal(false) }).strict(),
  z
    .object({
      enabled: z.literal(true),
      /** The Access Governance service instance allowed to invoke the template functions. */
      instanceOcid: ocid("agcsgovernanceinstance"),
      /** Connected-system configs; their shape is owned by function/src/governance and passed through as JSON. */
      systems: z.array(z.record(z.unknown())).min(1),
    })
    .strict(),
]);

const bucketName = z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, "must be an Object Storage bucket name");

/** Where a state object lives in Object Storage (both remote backends). */
const objectStorageState = z.object({
  bucket: bucketName,
  namespace: z.string().regex(/^[a-z0-9-]{1,64}$/i, "must be an Object Storage namespace"),
  region,
  /** Object name of the state; defaults to <environment>/terraform.tfstate. */
  key: z.string().min(1).optional(),
});

/**
 * Terraform state: a local file by default; Terraform's native `oci` backend (Object Storage with locking,
 * Terraform >= 1.12, signed with the OCI config profile); or, for older Terraform only, Object Storage through
 * its S3-compatible API (no locking; Oracle documents it as deprecated).
 */
const state = z.discriminatedUnion("backend", [
  objectStorageState.extend({ backend: z.literal("oci") }).strict(),
  z
    .object({
      backend: z.literal("local"),
      /** State file path relative to the repository root. */
      path: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/, "must be a relative path inside the repository").optional(),
    })
    .strict(),
  objectStorageState.extend({ backend: z.literal("s3") }).strict(),
]);

const tagKey = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "must be a tag key (letters, digits, _ . -)");

export const environmentSchema = z
  .object({
    tenancyOcid: ocid("tenancy"),
    /**
     * Where the stack runs. IAM events are delivered in the tenancy's home region and an Events rule invokes
     * functions only in its own region, so this must be the home region; the plan checks it against the tenancy.
     */
    region,
    /** The tenancy's home region, if you want it stated; it must equal `region` (see there). */
    homeRegion: region.optional(),
    /**
     * "included": one stack holds everything. "separate": the dynamic groups, IAM policies and the Events rule go
     * to a second stack, <environment>-tenancy, that a tenancy administrator deploys after this one.
     */
    tenancyResources: z.enum(["included", "separate"]).default("included"),
    compartmentOcid: ocid("compartment"),
    /** Profile in ~/.oci/config that Terraform and the image push use. */
    ociConfigProfile: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default("DEFAULT"),
    /** Prefix for every display name and for the dynamic group/policy names (unique per tenancy). */
    resourcePrefix: resourceName,
    database,
    secrets,
    /** Needed only when a secret is created. */
    vault: vault.optional(),
    network,
    function: functionSettings.default({}),
    provisioning: provisioning.default({}),
    reconcile: reconcile.default({}),
    logging: logging.default({}),
    audit: audit.default({}),
    alarms: alarms.default({ enabled: false }),
    accessGovernance: accessGovernance.default({ enabled: false }),
    tags: z.record(tagKey, z.string().max(256)).default({}),
    state: state.default({ backend: "local" }),
  })
  .strict()
  .superRefine((env, ctx) => {
    if (env.homeRegion !== undefined && env.homeRegion !== env.region) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["region"],
        message:
          `must be the home region ${env.homeRegion}: IAM events are delivered only there and an Events rule ` +
          "invokes functions only in its own region",
      });
    }
    const createsVault = env.vault === "create" || (typeof env.vault === "object" && "create" in env.vault);
    if (env.audit.kmsKey === "stack" && !createsVault) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["audit", "kmsKey"],
        message: 'is "stack", so the stack must create the vault: set vault to "create" or {create: {...}}',
      });
    }
    if (env.secrets.ords === "create" && env.vault === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["vault"],
        message: 'secrets.ords is "create", so a vault is needed: "create" or {vaultOcid, keyOcid}',
      });
    }
  });

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type Environment = z.output<typeof environmentSchema>;
