import cliProgress from "cli-progress";
import Table from "cli-table3";
import { Command, InvalidArgumentError } from "commander";
import { applyDrift, startScenario } from "../../test/reconcile/scenario";
import type { ProvisionConfig } from "../src/config/load";
import { createLogger, type Logger } from "../src/log/logger";
import type { OrdsClient } from "../src/ords/client";
import { planStatements, reconcile, type ReconcileOptions, type ReconcileResult } from "../src/reconcile/run";
import type { ScimClient } from "../src/reconcile/scim-client";
import { scimClientFor } from "../src/reconcile/scim-source";
import { environmentConnection } from "./environment";
import { quietOnClosedPipe, reportFailure } from "./lib/cli-error";
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

async function environmentTarget(name: string, o: Options, log: Logger): Promise<Target> {
  const { config, ords, secrets } = await environmentConnection(name, o, log);
  return { config, ords, scim: await scimClientFor(config, secrets), drift: [], close: async () => undefined };
}

/** One bar per phase on a terminal; a line per phase otherwise. */
function progress(): Pick<ReconcileOptions, "onPhase" | "onProgress"> & { stop(): void } {
  const labels = { plan: "reading IAM and the database, planning", apply: "applying" };
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
