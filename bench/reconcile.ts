/**
 * Reconciliation benchmark: `npx tsx bench/reconcile.ts [--sizes 1000,10000,100000]`.
 * Per size, a runner process reconciles against the loopback SCIM and ORDS servers, which live in a process of
 * their own (so the runner's peak RSS is reconciliation's, not the servers'). users/20 groups (5,000 at 100k),
 * every group mapped, two groups per user. Phases:
 *   - baseline: a bare SCIM page-through of the users (no planning, no database);
 *   - initial: an empty database, every account to create;
 *   - steady: a second run with nothing to change (read + plan only);
 *   - drift: 1% of the users deleted in IAM (accounts locked), 1% with a role revoked by hand.
 * Prints a Markdown table; ratios are against the smallest size of the same run.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createLogger } from "../function/src/log/logger";
import { reconcile } from "../function/src/reconcile/run";
import { scenarioClients, startScenario } from "../test/reconcile/scenario";

interface Row {
  users: number;
  groups: number;
  phase: string;
  ms: number;
  scimCalls: number;
  ordsCalls: number;
  statements: number;
  accounts: number;
  /** Peak RSS of the runner so far (the servers run elsewhere). */
  rssMb: number;
  /** Seconds per phase: database read, SCIM read + planning, applying. */
  phases?: { db: number; scim: number; apply: number };
}

const groupsFor = (users: number) => Math.max(3, Math.round(users / 20));
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The servers' process: seeds, reports its config, then applies drift when asked. */
async function serve(users: number): Promise<void> {
  const s = await startScenario({ users, groups: groupsFor(users), config: { RECONCILE_PAGE: "1000", RECONCILE_BATCH: "500" } });
  const drift = async () => {
    const ids = [...s.scim.store.users.keys()];
    for (let i = 0; i < ids.length; i += 100) s.scim.store.deleteUser(ids[i] as string);
    const revokes: string[] = [];
    for (let i = 50; i < ids.length; i += 100) revokes.push(`REVOKE APP_READ FROM USER${i + 1}_EXAMPLE_COM`);
    await s.clients(createLogger("silent")).ords.script(revokes, null);
  };
  process.on("message", (m: string) => {
    if (m === "drift") void drift().then(() => process.send?.("drifted"));
    else if (m === "stop") void s.close().then(() => process.exit(0));
  });
  process.send?.(s.raw);
}

async function runner(users: number): Promise<Row[]> {
  const servers: ChildProcess = fork(__filename, ["--serve", String(users)], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [raw] = (await once(servers, "message")) as [Record<string, string>];
  const log = createLogger("silent");
  const { config, clients } = scenarioClients(raw, log);
  const rows: Row[] = [];
  const groups = groupsFor(users);
  const row = (phase: string, ms: number, c: ReturnType<typeof clients>, statements = 0, accounts = 0) => {
    rows.push({ users, groups, phase, ms, scimCalls: c.scim.calls, ordsCalls: c.ords.sqlCalls, statements, accounts, rssMb: rssMb() });
    return rows[rows.length - 1] as Row;
  };
  row("runner started", 0, clients());

  let c = clients();
  const t0 = Date.now();
  let n = 0;
  for await (const page of c.scim.list("Users", { attributes: "ocid,userName,active" }, null)) n += page.resources.length;
  if (n !== users) throw new Error(`baseline read ${n} users, expected ${users}`);
  row("baseline: SCIM page-through", Date.now() - t0, c);

  const run = async (phase: string) => {
    c = clients();
    const marks: Record<string, number> = {};
    const start = Date.now();
    const { report } = await reconcile({ config, log, ...c }, { dryRun: false, force: true, deadline: null, onPhase: (p) => (marks[p] = Date.now()) });
    if (report.outcome !== "applied" && report.outcome !== "unchanged") throw new Error(`${phase}: ${report.outcome} ${report.reason}`);
    const end = Date.now();
    const at = (p: string) => marks[p] ?? end;
    row(phase, end - start, c, report.applied?.statements ?? 0, report.accountsToChange).phases = {
      db: (at("desired") - at("actual")) / 1000,
      scim: (at("apply") - at("desired")) / 1000,
      apply: (end - at("apply")) / 1000,
    };
  };
  await run("initial (all accounts created)");
  await run("steady (nothing to change)");
  servers.send("drift");
  await once(servers, "message");
  await run("drift (1% removed, 1% revoked by hand)");
  servers.send("stop");
  await once(servers, "exit");
  return rows;
}

function table(rows: Row[]): string {
  const smallest = rows[0]?.users;
  const unit = new Map(rows.filter((r) => r.users === smallest).map((r) => [r.phase, r]));
  const ratio = (r: Row) => {
    const u = unit.get(r.phase);
    return u && u.ms > 0 && r.ms > 0 ? `${(r.ms / u.ms).toFixed(1)}×` : "–";
  };
  const phases = (r: Row) => (r.phases ? `${r.phases.db.toFixed(2)} / ${r.phases.scim.toFixed(2)} / ${r.phases.apply.toFixed(2)}` : "–");
  const lines = [
    `| users | groups | phase | time (s) | time vs ${smallest?.toLocaleString("en")} | db read / SCIM read + plan / apply (s) | runner peak RSS (MB) | SCIM calls | ORDS calls | statements | accounts changed |`,
    "| ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.users.toLocaleString("en")} | ${r.groups.toLocaleString("en")} | ${r.phase} | ${(r.ms / 1000).toFixed(2)} | ${ratio(r)} | ${phases(r)} | ${r.rssMb} | ${r.scimCalls} | ${r.ordsCalls} | ${r.statements} | ${r.accounts} |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const serveSize = arg("--serve");
  if (serveSize) return serve(Number(serveSize));
  const runSize = arg("--run");
  if (runSize) {
    process.stdout.write(JSON.stringify(await runner(Number(runSize))));
    return;
  }
  const sizes = (arg("--sizes") ?? "1000,10000,100000").split(",").map(Number);
  const rows: Row[] = [];
  for (const users of sizes) {
    console.error(`reconcile bench: ${users.toLocaleString("en")} users…`);
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, "--run", String(users)], { encoding: "utf8", maxBuffer: 1 << 24 });
    rows.push(...(JSON.parse(out) as Row[]));
  }
  console.log(`### Reconciliation (loopback SCIM + ORDS, Node ${process.version})\n\n${table(rows)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
