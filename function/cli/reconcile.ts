import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import { Command, InvalidArgumentError } from "commander";
import { provisioningConfig } from "../../infra/config/function-config";
import { ENVIRONMENTS_DIR, loadEnvironmentFile } from "../../infra/config/load-environment";
import { applyDrift, startScenario } from "../../test/reconcile/scenario";
import { loadConfig, type ProvisionConfig } from "../src/config/load";
import { createLogger, type Logger } from "../src/log/logger";
import { ordsClientFromSecret } from "../src/ords/from-secret";
import { OrdsClient } from "../src/ords/client";
import { planStatements, reconcile, type ReconcileOptions, type ReconcileResult } from "../src/reconcile/run";
import type { ScimClient } from "../src/reconcile/scim-client";
import { scimClientFor } from "../src/reconcile/scim-source";
import type { SecretReader } from "../src/secrets";
import { CliError, quietOnClosedPipe, reportFailure } from "./lib/cli-error";
import { coloursFor, tableStyle } from "./lib/colour";

const pc = coloursFor(process.stdout);
const dim = coloursFor(process.stderr).dim;
quietOnClosedPipe();

/**
 * `npm run reconcile -- --env <name> [--dry-run] [--force]`: one reconciliation run from this machine.
 * `--env sandbox` starts the loopback identity domain and database with a seeded drift scenario (no cloud
 * account); any other name reads infra/environments/<name>.json and signs OCI calls with its OCI config
 * profile. Progress goes to stderr; the plan (dry run) and the summary table to stdout.
 */

interface Options {
  env: string;
  dryRun?: boolean;
  force?: boolean;
  users: number;
  ordsUrl?: string;
  ordsSecret?: string;
  json?: boolean;
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 10) throw new InvalidArgumentError("--users must be an integer of at least 10");
  return n;
};

interface Target {
  config: ProvisionConfig;
  ords: OrdsClient;
  scim: ScimClient;
  /** What the sandbox changed before the run (empty for a real environment). */
  drift: string[];
  close(): Promise<void>;
}

async function sandboxTarget(users: number, log: Logger): Promise<Target> {
  const s = await startScenario({ users, mappedGroups: 3, config: { RECONCILE_PAGE: "100", RECONCILE_GUARD_SHARE: "0.1", RECONCILE_GUARD_MAX: "50" } });
  const drift = await applyDrift(s, log);
  return { config: s.config, ...s.clients(log), drift, close: s.close };
}

/** Vault reads signed with the user's OCI config profile (the function itself uses its resource principal). */
async function profileSecrets(profile: string, region: string): Promise<SecretReader> {
  const [{ ConfigFileAuthenticationDetailsProvider, Region }, { SecretsClient }] = await Promise.all([import("oci-common"), import("oci-secrets")]);
  let provider;
  try {
    provider = new ConfigFileAuthenticationDetailsProvider(undefined, profile);
  } catch (err) {
    throw new CliError(`OCI config profile ${profile}: ${(err as Error).message.trim()}`);
  }
  const client = new SecretsClient({ authenticationDetailsProvider: provider });
  client.region = Region.fromRegionId(region);
  return {
    async read(secretId) {
      const { secretBundle } = await client.getSecretBundle({ secretId });
      const content = secretBundle.secretBundleContent as { content?: string } | undefined;
      if (!content?.content) throw new Error(`secret ${secretId} has no base64 content`);
      return Buffer.from(content.content, "base64").toString("utf8");
    },
  };
}


async function environmentTarget(name: string, o: Options, log: Logger): Promise<Target> {
  const file = resolve(ENVIRONMENTS_DIR, `${name}.json`);
  if (!existsSync(file)) {
    const known = readdirSync(ENVIRONMENTS_DIR).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, ""));
    throw new CliError(`no environment ${name}: expected ${file} (known: sandbox, ${known.join(", ")})`);
  }
  const { config: env } = loadEnvironmentFile(file);
  const ordsUrl = o.ordsUrl ?? (env.database.ordsUrl ? `${env.database.ordsUrl}/${env.database.schemaAlias}` : undefined);
  if (!ordsUrl) throw new CliError(`environment ${name} names its database by OCID; pass --ords-url https://…/ords/${env.database.schemaAlias}`);
  const ordsSecretId = o.ordsSecret ?? (env.secrets.ords.startsWith("ocid1.") ? env.secrets.ords : undefined);
  if (!ordsSecretId) throw new CliError(`environment ${name} creates its ORDS secret at deploy time; pass --ords-secret <the deployed secret's OCID>`);
  const entries = provisioningConfig(env, { ordsUrl, ordsSecretId });
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (typeof v === "string") raw[k] = v;
  const config = loadConfig(raw);
  const secrets = await profileSecrets(env.ociConfigProfile, env.region);
  const text = await secrets.read(config.ORDS_SECRET_OCID);
  const ords = ordsClientFromSecret(text, config, log);
  return { config, ords, scim: await scimClientFor(config, secrets), drift: [], close: async () => undefined };
}

/** One bar per phase on a terminal; a line per phase otherwise. */
function progress(): Pick<ReconcileOptions, "onPhase" | "onProgress"> & { stop(): void } {
  const labels = { actual: "reading the database", desired: "reading IAM users", plan: "planning", apply: "applying" };
  if (!process.stderr.isTTY) {
    return { onPhase: (p) => console.error(`${labels[p]}…`), onProgress: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar({ format: "{phase} |{bar}| {value}/{total}", stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    onPhase: (p, total) => {
      if (!started) bar.start(total ?? 0, 0, { phase: labels[p] });
      else bar.update(0, { phase: labels[p] });
      started = true;
      if (total !== undefined) bar.setTotal(total);
    },
    onProgress: (done, total) => {
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

function summary(r: ReconcileResult, calls: { scim: number; ords: number }, ms: number): string {
  const rep = r.report;
  const t = new Table({ head: ["reconcile", ""], style: tableStyle(pc) });
  const colour = rep.outcome === "applied" || rep.outcome === "unchanged" || rep.outcome === "planned" ? pc.green : pc.red;
  t.push(
    ["outcome", colour(rep.outcome)],
    ["reason", rep.reason],
    ["IAM users read", rep.iamUsers],
    ["managed accounts", rep.managedAccounts],
    ["accounts unchanged", rep.unchanged],
    ["accounts to change", rep.accountsToChange],
    ["  create / drop", `${rep.ops.create_user} / ${rep.ops.drop_user}`],
    ["  lock / unlock", `${rep.ops.lock} / ${rep.ops.unlock}`],
    ["  grant / revoke", `${rep.ops.grant} / ${rep.ops.revoke}`],
    ["refused", rep.refused.length],
    ["deletion guard", rep.guard.tripped ? pc.red(`tripped (${rep.guard.affected} of ${rep.guard.managed})`) : `ok (${rep.guard.affected} of ${rep.guard.managed})`],
  );
  if (rep.applied) t.push(["statements applied", rep.applied.statements], ["statements failed", rep.applied.failures.length]);
  if (rep.runId) t.push(["run", `${rep.runId}${rep.resumed ? " (resumed)" : ""}`]);
  t.push(["SCIM / ORDS calls", `${calls.scim} / ${calls.ords}`], ["duration", `${(ms / 1000).toFixed(1)} s`]);
  const out = [t.toString()];
  if (rep.refused.length > 0) {
    const refused = new Table({ head: ["refused", "reason"], colWidths: [28, 90], wordWrap: true, style: tableStyle(pc) });
    for (const x of rep.refused.slice(0, 20)) refused.push([x.dbUsername ?? x.iamUserId, x.reason]);
    out.push(refused.toString());
  }
  return out.join("\n");
}

const program = new Command()
  .name("reconcile")
  .description("Converge the database with the identity domain (one run)")
  .requiredOption("--env <name>", "environment: infra/environments/<name>.json, or sandbox (loopback servers with a seeded drift)")
  .option("--dry-run", "plan only: print the counts and the statements, change nothing")
  .option("--force", "proceed although the deletion guard trips")
  .option("--users <n>", "sandbox size", positiveInt, 200)
  .option("--ords-url <url>", "ORDS URL of the REST-enabled schema (environments that name the database by OCID)")
  .option("--ords-secret <ocid>", "Vault secret with the ORDS credentials (environments that create it at deploy time)")
  .option("--json", "print the report as JSON instead of tables")
  .action(async (o: Options) => {
    const log = createLogger(process.env.LOG_LEVEL ?? "warn");
    const target = o.env === "sandbox" ? await sandboxTarget(o.users, log) : await environmentTarget(o.env, o, log);
    try {
      if (target.drift.length > 0) console.error(dim(`sandbox drift:\n  ${target.drift.join("\n  ")}`));
      const bar = o.json ? undefined : progress();
      const started = Date.now();
      let result: ReconcileResult;
      try {
        result = await reconcile({ config: target.config, log, ords: target.ords, scim: target.scim }, { dryRun: o.dryRun === true, force: o.force === true, deadline: null, ...bar });
      } finally {
        bar?.stop();
      }
      const calls = { scim: target.scim.calls, ords: target.ords.sqlCalls };
      if (o.json) {
        console.log(JSON.stringify({ ...result.report, remoteCalls: calls }, null, 2));
      } else {
        if (o.dryRun) for (const s of planStatements(result.plan.work)) console.log(`${s.sql};`);
        console.log(summary(result, calls, Date.now() - started));
      }
      if (!["applied", "unchanged", "planned"].includes(result.report.outcome)) process.exitCode = 2;
    } finally {
      await target.close();
    }
  });

program.parseAsync().catch((err: unknown) => {
  process.exitCode = reportFailure("reconcile", err);
});
