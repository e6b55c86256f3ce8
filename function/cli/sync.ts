import { Command } from "commander";
import pc from "picocolors";
import { startOciServer } from "../../test/servers/oci/server";
import { DEFAULT_ADMIN, startOrdsServer } from "../../test/servers/ords";
import { loadConfig, type ProvisionConfig } from "../src/config/load";
import { createUserStateReader, type UserStateReader } from "../src/identity/user-state";
import { createLogger, type Logger } from "../src/log/logger";
import { OrdsClient } from "../src/ords/client";
import { rolePolicyFor } from "../src/policy/roles";
import { checkAtStart, startCheckLines, type StartCheck } from "../src/runtime/start-check";
import { syncUser, type SyncResult } from "../src/sync/sync-user";
import { environmentConnection } from "./environment";

/**
 * `npm run sync -- --env <name> --user <user name or OCID> [--dry-run] [--json]`: provision on demand. Reads
 * the user from IAM and syncs that one account through syncUser (the code events and reconciliation run),
 * printing each step: the IAM read, the database read, the plan, the statements and the outcome. First, as a
 * deployment does before its first database call, it checks every role the configuration may grant (each refused
 * role is printed with its reason, and never granted) and the registry's shape (created or migrated).
 * `--env sandbox` starts the loopback identity domain and database with a few seeded users.
 */

interface Options {
  env: string;
  user: string;
  dryRun?: boolean;
  json?: boolean;
  ordsUrl?: string;
  ordsSecret?: string;
}

interface Target {
  config: ProvisionConfig;
  ords: OrdsClient;
  reader: UserStateReader;
  close(): Promise<void>;
}

const READERS = "ocid1.group.oc1..aaaasandboxreaders";
const WRITERS = "ocid1.group.oc1..aaaasandboxwriters";

/** The sandbox story: jane reads, bob writes, ops_team collides with a role, hr with a foreign schema. */
async function sandboxTarget(log: Logger): Promise<Target> {
  const ords = await startOrdsServer({
    seed: (db) => {
      for (const role of ["SALES_READ", "SALES_WRITE", "OPS_TEAM"]) db.createRole(role);
      db.createUser("HR", {});
      db.addObjects("HR", 7);
    },
  });
  const oci = await startOciServer();
  // The sandbox signs identity reads with a generated resource principal, as the function does in OCI.
  Object.assign(process.env, oci.env);
  oci.identity.addGroup({ id: READERS, name: "DB-Readers" });
  oci.identity.addGroup({ id: WRITERS, name: "DB-Writers" });
  const users: [string, string, string[]][] = [
    ["ocid1.user.oc1..aaaasandboxjane", "jane.doe@example.com", [READERS]],
    ["ocid1.user.oc1..aaaasandboxbob", "bob@example.com", [READERS, WRITERS]],
    ["ocid1.user.oc1..aaaasandboxops", "ops_team", [WRITERS]],
    ["ocid1.user.oc1..aaaasandboxhr", "hr", [READERS]],
    ["ocid1.user.oc1..aaaasandboxcarl", "carl@example.com", []],
  ];
  for (const [id, name, groups] of users) {
    oci.identity.addUser({ id, name });
    for (const g of groups) oci.identity.addMember(g, id);
  }
  const config = loadConfig({
    ORDS_URL: ords.url,
    ORDS_AUTH: "basic",
    ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1..aaaasandbox",
    GROUP_ROLE_MAP: JSON.stringify({ "DB-Readers": ["SALES_READ"], "DB-Writers": ["SALES_READ", "SALES_WRITE"] }),
    IDENTITY_DOMAIN_URL: oci.url,
  });
  return {
    config,
    ords: new OrdsClient({ url: ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log }),
    reader: createUserStateReader({ domainUrl: oci.url, iamEndpoint: oci.url, log }),
    close: async () => {
      await ords.close();
      await oci.close();
    },
  };
}

async function environmentTarget(o: Options, log: Logger): Promise<Target> {
  const c = await environmentConnection(o.env, o, log);
  const { ConfigFileAuthenticationDetailsProvider } = await import("oci-common");
  const reader = createUserStateReader({
    domainUrl: c.config.IDENTITY_DOMAIN_URL,
    iamEndpoint: c.config.OCI_IDENTITY_ENDPOINT ?? `https://identity.${c.region}.oci.oraclecloud.com`,
    log,
    provider: new ConfigFileAuthenticationDetailsProvider(undefined, c.profile),
  });
  return { config: c.config, ords: c.ords, reader, close: async () => undefined };
}

const LABELS = { read_iam: "read from IAM", read_database: "read database", plan: "plan", execute: "execute", replan: "re-plan" } as const;

function printedCheck(c: StartCheck): string {
  const l = startCheckLines(c);
  const label = pc.bold("check roles".padEnd(14));
  return [`${label} ${l.roles}`, ...l.refused.map((r) => `${label} ${pc.red(r)}`), `${pc.bold("check registry")} ${l.registry.replace(/^registry /, "")}`].join("\n");
}

function printed(r: SyncResult): string {
  const lines = r.steps.map((s) => `${pc.bold(LABELS[s.step].padEnd(14))} ${s.detail}`);
  if (r.statements.length > 0) {
    lines.push(pc.bold("statements"));
    for (const s of r.statements) lines.push(`  ${s.sql};${s.outcome === "ok" || s.outcome === "planned" ? "" : pc.red(`  -- ${s.outcome}${s.error ? `: ${s.error.message}` : ""}`)}`);
  }
  for (const n of r.notes) lines.push(`${pc.bold("note".padEnd(14))} ${n}`);
  const colour = r.outcome === "applied" || r.outcome === "unchanged" || r.outcome === "planned" ? pc.green : pc.red;
  lines.push(`${pc.bold("outcome".padEnd(14))} ${colour(r.outcome)}: ${r.reason}`);
  return lines.join("\n");
}

const program = new Command()
  .name("sync")
  .description("Provision on demand: sync one IAM user's database account now, showing each step")
  .requiredOption("--env <name>", "environment: infra/environments/<name>.json, or sandbox (loopback servers)")
  .requiredOption("--user <name or OCID>", "the IAM user: its OCID (ocid1.user…) or its user name")
  .option("--dry-run", "plan only: print the statements, change nothing")
  .option("--json", "print the result as JSON")
  .option("--ords-url <url>", "ORDS URL of the REST-enabled schema (environments that name the database by OCID)")
  .option("--ords-secret <ocid>", "Vault secret with the ORDS credentials (environments that create it at deploy time)")
  .action(async (o: Options) => {
    const log = createLogger(process.env.LOG_LEVEL ?? "warn");
    const t = o.env === "sandbox" ? await sandboxTarget(log) : await environmentTarget(o, log);
    try {
      const userId = o.user.startsWith("ocid1.user.") ? o.user : await t.reader.findOcid(o.user);
      if (!userId) throw new Error(`IAM has no user named ${JSON.stringify(o.user)}`);
      const roles = rolePolicyFor(t.config);
      const dryRun = o.dryRun === true || t.config.DRY_RUN;
      // What a deployment checks at start, before anything is granted: every role it may grant, and the registry.
      const check = await checkAtStart({ config: t.config, ords: t.ords, roles }, { deadline: null, dryRun });
      const result = await syncUser(userId, { config: t.config, log, ords: t.ords, reader: t.reader, roles }, { deadline: null, dryRun });
      const startCheck = { roles: check.roles, refusedRoles: Object.fromEntries(check.refused), registry: check.registry.statements };
      console.log(o.json ? JSON.stringify({ startCheck, ...result }, null, 2) : `${printedCheck(check)}\n${printed(result)}`);
      if (result.outcome === "refused" || result.outcome === "failed") process.exitCode = 2;
    } finally {
      await t.close();
    }
  });

program.parseAsync().catch((err: unknown) => {
  console.error(pc.red(`sync: ${err instanceof Error ? err.message : String(err)}`));
  process.exitCode = 1;
});
