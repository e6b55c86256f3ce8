/**
 * Reconciliation benchmark: `npx tsx bench/reconcile.ts [--sizes 1000,10000,100000]`.
 * Each size runs in its own process (so peak RSS is that size's), against the loopback SCIM and ORDS servers
 * in that process, with users/20 groups (5,000 at 100k), every group mapped, two groups per user:
 *   - baseline: a bare SCIM page-through of the users (no planning, no database);
 *   - initial: an empty database, every account to create;
 *   - steady: a second run with nothing to change (read + plan only);
 *   - drift: 1% of the users deleted in IAM (accounts locked), 1% with a role revoked by hand.
 * Prints a Markdown table; ratios are against the 1k row of the same run.
 */
import { execFileSync } from "node:child_process";
import { createLogger } from "../function/src/log/logger";
import { reconcile } from "../function/src/reconcile/run";
import { startScenario } from "../test/reconcile/scenario";

interface Row {
  users: number;
  groups: number;
  phase: string;
  ms: number;
  scimCalls: number;
  ordsCalls: number;
  statements: number;
  accounts: number;
  rssMb: number;
  /** Seconds per phase: database read, SCIM read + planning, applying. */
  phases?: { db: number; scim: number; apply: number };
}

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function child(users: number): Promise<Row[]> {
  const groups = Math.max(3, Math.round(users / 20));
  const log = createLogger("silent");
  const s = await startScenario({ users, groups, config: { RECONCILE_PAGE: "1000", RECONCILE_BATCH: "500" } });
  const rows: Row[] = [];
  const row = (phase: string, ms: number, c: { scim: { calls: number }; ords: { sqlCalls: number } }, statements = 0, accounts = 0) =>
    rows.push({ users, groups, phase, ms, scimCalls: c.scim.calls, ordsCalls: c.ords.sqlCalls, statements, accounts, rssMb: rssMb() });
  rows.push({ users, groups, phase: "seeded servers", ms: 0, scimCalls: 0, ordsCalls: 0, statements: 0, accounts: 0, rssMb: rssMb() });

  let c = s.clients(log);
  let t = Date.now();
  let n = 0;
  for await (const page of c.scim.list("Users", { attributes: "ocid,userName,active" }, null)) n += page.resources.length;
  if (n !== users) throw new Error(`baseline read ${n} users, expected ${users}`);
  row("baseline: SCIM page-through", Date.now() - t, c);

  const run = async (phase: string) => {
    c = s.clients(log);
    t = Date.now();
    const marks: Record<string, number> = {};
    const onPhase = (p: string) => (marks[p] = Date.now());
    const { report } = await reconcile({ config: s.config, log, ...c }, { dryRun: false, force: true, deadline: null, onPhase });
    if (report.outcome !== "applied" && report.outcome !== "unchanged") throw new Error(`${phase}: ${report.outcome} ${report.reason}`);
    const end = Date.now();
    row(phase, end - t, c, report.applied?.statements ?? 0, report.accountsToChange);
    const at = (p: string, fallback: number) => marks[p] ?? fallback;
    const last = rows[rows.length - 1] as Row;
    last.phases = {
      db: (at("desired", end) - at("actual", t)) / 1000,
      scim: (at("apply", end) - at("desired", end)) / 1000,
      apply: (end - at("apply", end)) / 1000,
    };
  };
  await run("initial (all accounts created)");
  await run("steady (nothing to change)");
  const ids = [...s.scim.store.users.keys()];
  const step = 100;
  for (let i = 0; i < ids.length; i += step) s.scim.store.deleteUser(ids[i] as string);
  const revoke: string[] = [];
  for (let i = 50; i < ids.length; i += step) revoke.push(`REVOKE APP_READ FROM USER${i + 1}_EXAMPLE_COM`);
  await s.clients(log).ords.script(revoke, null);
  await run("drift (1% removed, 1% revoked by hand)");
  await s.close();
  return rows;
}

function table(rows: Row[]): string {
  const unit = new Map(rows.filter((r) => r.users === rows[0]?.users).map((r) => [r.phase, r]));
  const ratio = (r: Row) => {
    const u = unit.get(r.phase);
    return u && u.ms > 0 && r.ms > 0 ? `${(r.ms / u.ms).toFixed(1)}×` : "–";
  };
  const lines = [
    "| users | groups | phase | time (s) | time vs 1k | db read / SCIM read + plan / apply (s) | peak RSS (MB) | SCIM calls | ORDS calls | statements | accounts changed |",
    "| ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(`| ${r.users.toLocaleString("en")} | ${r.groups.toLocaleString("en")} | ${r.phase} | ${(r.ms / 1000).toFixed(2)} | ${ratio(r)} | ${r.phases ? `${r.phases.db.toFixed(2)} / ${r.phases.scim.toFixed(2)} / ${r.phases.apply.toFixed(2)}` : "–"} | ${r.rssMb} | ${r.scimCalls} | ${r.ordsCalls} | ${r.statements} | ${r.accounts} |`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const childAt = args.indexOf("--child");
  if (childAt >= 0) {
    process.stdout.write(JSON.stringify(await child(Number(args[childAt + 1]))));
    return;
  }
  const sizesAt = args.indexOf("--sizes");
  const sizes = (sizesAt >= 0 ? (args[sizesAt + 1] ?? "") : "1000,10000,100000").split(",").map(Number);
  const rows: Row[] = [];
  for (const users of sizes) {
    console.error(`reconcile bench: ${users} users…`);
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, "--child", String(users)], { encoding: "utf8", maxBuffer: 1 << 24 });
    rows.push(...(JSON.parse(out) as Row[]));
  }
  console.log(`### Reconciliation (loopback SCIM + ORDS, Node ${process.version})\n\n${table(rows)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
