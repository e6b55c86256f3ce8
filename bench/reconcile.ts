/**
 * Reconciliation benchmark: `npx tsx bench/reconcile.ts [--sizes 1000,10000,100000]`.
 * Per size, one process runs the loopback SCIM and ORDS servers, and every phase runs in a fresh runner process
 * of its own, so a phase's peak RSS and CPU are reconciliation's alone (not the servers', not an earlier
 * phase's). users/20 groups (5,000 at 100k), every group mapped, two groups per user. Phases:
 *   - baseline: a bare SCIM page-through of the users (no planning, no database);
 *   - initial: an empty database, every account to create;
 *   - steady: a second run with nothing to change (read + plan only);
 *   - drift: 1% of the users deleted in IAM (accounts locked), 1% with a role revoked by hand.
 * The product's CPU is the runner's process.cpuUsage() across the run; the servers' CPU is their process's
 * over the same phase. The runner gets the NODE_OPTIONS the stack gives a 256 MB function (infra's
 * nodeOptionsFor), the shape reconciliation is sized for (BENCH_RUNNER_NODE_OPTIONS replaces them, to compare
 * heap settings), and the heap growth the reconcile role sets when a run starts (reconcile/heap-growth.ts);
 * it runs our sources through tsx, whose own memory the "RSS at start" column shows. Runners run on Node 22,
 * the image's runtime; the steady phase runs once more on the machine's node, for parity. Prints a Markdown
 * table; the time ratio is against the same phase at the size before (10× fewer users in the default sizes).
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createLogger } from "../function/src/log/logger";
import { growHeapForRun } from "../function/src/reconcile/heap-growth";
import { reconcile } from "../function/src/reconcile/run";
import { scenarioClients, startScenario } from "../test/reconcile/scenario";
import { MACHINE_NODE, nodeVersion } from "./lib/proc";

const PHASES = ["baseline: SCIM page-through", "initial (all accounts created)", "steady (nothing to change)", "drift (1% removed, 1% revoked by hand)"] as const;

interface Measured {
  ms: number;
  /** The runner's CPU (user + system) over the phase, seconds. */
  cpuS: number;
  scimCalls: number;
  ordsCalls: number;
  statements: number;
  accounts: number;
  /** Peak RSS of the runner process (it ran this phase only). */
  rssMb: number;
  /** RSS of the runner before the phase started (node + modules loaded). */
  startRssMb: number;
}

interface Row extends Measured {
  users: number;
  /** The runner's node version. */
  node: string;
  groups: number;
  phase: string;
  /** The servers' process CPU over the phase, seconds. */
  serverCpuS: number;
}

/** The function shape reconciliation at 100k users is meant to fit. */
const FUNCTION_MB = 256;

const groupsFor = (users: number) => Math.max(3, Math.round(users / 20));
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const cpuS = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/** The servers' process: seeds, reports its config, applies drift and reports its CPU when asked. */
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
    else if (m === "cpu") process.send?.(process.cpuUsage());
    else if (m === "stop") void s.close().then(() => process.exit(0));
  });
  process.send?.(s.raw);
}

/** One phase in this (fresh) process, against the servers whose config the parent sends. */
async function runPhase(phase: number): Promise<Measured> {
  const [raw] = (await once(process, "message")) as [Record<string, string>];
  const log = createLogger("silent");
  const { config, clients } = scenarioClients(raw, log);
  const c = clients();
  const startRssMb = rssMb();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let statements = 0;
  let accounts = 0;
  if (phase === 0) {
    for await (const page of c.scim.list("Users", { attributes: "ocid,userName,active" }, null)) accounts += page.resources.length;
    accounts = 0;
  } else {
    // As the reconcile role does when a run starts.
    growHeapForRun();
    const { report } = await reconcile({ config, log, ...c }, { dryRun: false, force: true, deadline: null });
    if (report.outcome !== "applied" && report.outcome !== "unchanged") throw new Error(`${PHASES[phase]}: ${report.outcome} ${report.reason}`);
    statements = report.applied?.statements ?? 0;
    accounts = report.accountsToChange;
  }
  const ms = Date.now() - t0;
  return { ms, cpuS: cpuS(cpu0), scimCalls: c.scim.calls, ordsCalls: c.ords.sqlCalls, statements, accounts, rssMb: rssMb(), startRssMb };
}

async function size(users: number): Promise<Row[]> {
  const servers: ChildProcess = fork(__filename, ["--serve", String(users)], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [raw] = (await once(servers, "message")) as [Record<string, string>];
  const serverCpu = async () => {
    servers.send("cpu");
    const [u] = (await once(servers, "message")) as [NodeJS.CpuUsage];
    return (u.user + u.system) / 1e6;
  };
  // Loaded here only: the runners must not carry cdktf or esbuild in their memory.
  const { nodeOptionsFor } = await import("../infra/constructs/function-app");
  const { NODE22 } = await import("../function/build/bundle");
  const rows: Row[] = [];
  const runPhaseOn = async (i: number, node: string) => {
    const before = await serverCpu();
    // The config goes over IPC: a 5,000-group GROUP_ROLE_MAP is too big for an environment variable.
    const runner = fork(__filename, ["--phase", String(i)], {
      execPath: node,
      execArgv: [...process.execArgv, ...(process.env.BENCH_RUNNER_NODE_OPTIONS ?? nodeOptionsFor(FUNCTION_MB)).split(" ").filter(Boolean)],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const result = once(runner, "message");
    runner.send(raw);
    const [measured] = (await result) as [Measured];
    await once(runner, "exit");
    const serverCpuS = (await serverCpu()) - before;
    const phase = node === NODE22 ? PHASES[i] : `${PHASES[i]}, machine's node`;
    rows.push({ users, groups: groupsFor(users), phase, node: nodeVersion(node), serverCpuS, ...measured });
  };
  for (const i of PHASES.keys()) {
    if (i === 3) {
      servers.send("drift");
      await once(servers, "message");
    }
    await runPhaseOn(i, NODE22);
    if (i === 2) await runPhaseOn(i, MACHINE_NODE);
  }
  servers.send("stop");
  await once(servers, "exit");
  return rows;
}

function table(rows: Row[]): string {
  const before = (r: Row) => {
    const smaller = rows.filter((x) => x.phase === r.phase && x.users < r.users).sort((a, b) => b.users - a.users)[0];
    return smaller && smaller.ms > 0 ? `${(r.ms / smaller.ms).toFixed(1)}× (${(r.users / smaller.users).toFixed(0)}× users)` : "–";
  };
  const lines = [
    "| users | groups | phase | runner's node | time (s) | time vs the size before | product CPU (s) | product CPU per 1,000 users (ms) | servers' CPU (s) | runner peak RSS (MB) | runner RSS at start (MB) | SCIM calls | ORDS calls | statements | accounts changed |",
    "| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.users.toLocaleString("en")} | ${r.groups.toLocaleString("en")} | ${r.phase} | ${r.node} | ${(r.ms / 1000).toFixed(2)} | ${before(r)} | ${r.cpuS.toFixed(2)} | ${((r.cpuS * 1000 * 1000) / r.users).toFixed(1)} | ${r.serverCpuS.toFixed(2)} | ${r.rssMb} | ${r.startRssMb} | ${r.scimCalls} | ${r.ordsCalls} | ${r.statements} | ${r.accounts} |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const serveSize = arg("--serve");
  if (serveSize) return serve(Number(serveSize));
  const phase = arg("--phase");
  if (phase) {
    process.send?.(await runPhase(Number(phase)));
    process.disconnect?.();
    return;
  }
  const sizes = (arg("--sizes") ?? "1000,10000,100000").split(",").map(Number);
  const rows: Row[] = [];
  for (const users of sizes) {
    console.error(`reconcile bench: ${users.toLocaleString("en")} users…`);
    rows.push(...(await size(users)));
  }
  console.log(`### Reconciliation (loopback SCIM + ORDS; servers on Node ${process.version})\n\n${table(rows)}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
