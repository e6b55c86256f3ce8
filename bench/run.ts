/**
 * `npm run bench`: every benchmark of the project in one run, each figure against a baseline measured in the
 * same run. Prints the Markdown report on stdout (progress on stderr), writes it to bench/results/latest.md and
 * regenerates the README's figures block (the report's run line says how long it took). `--quick` takes fewer
 * samples, skips reconcile at 100k users and writes bench/results/quick.md (git-ignored) instead.
 */
import { Command } from "commander";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { buildVariants } from "./builds";
import { bundleSizeRows, NAIVE_DEFINITION } from "./bundle-size";
import { machineLine, renderReport, rowsSection, type Row, type Section } from "./lib/report";
import { benchEventLatency } from "./events";
import { benchHistories } from "./histories";
import { benchLoad, type LoadOptions } from "./load";
import { benchReconcile } from "./reconciliation";
import { benchRemoteCalls } from "./remote-calls";
import { benchFirstReply, benchStartup } from "./startup";
import { measureOverhead, overheadRows } from "./overhead";
import { MACHINE_NODE } from "./lib/proc";
import { NODE22 } from "../function/build/bundle";
import { writeReadmeFigures } from "./readme-figures";
import { benchSynth } from "./synth";

export interface Plan {
  name: string;
  startupRuns: number;
  load: LoadOptions;
  warmEvents: number;
  /** Users (two events each) of the warm overhead measurement, per node. */
  overheadUsers: number;
  synthRuns: number;
  reconcileSizes: number[];
  /** Seeded histories the history checker runs (issue 9: histories checked, divergences found). */
  histories: number;
}

export const FULL: Plan = { name: "full", startupRuns: 7, load: { rounds: 5, usersPerRound: 100 }, warmEvents: 20, overheadUsers: 150, synthRuns: 5, reconcileSizes: [1000, 10000, 100000], histories: 500 };
export const QUICK: Plan = { name: "quick", startupRuns: 3, load: { rounds: 3, usersPerRound: 20 }, warmEvents: 5, overheadUsers: 30, synthRuns: 2, reconcileSizes: [1000, 10000], histories: 50 };

export const DEFAULT_OUT = resolve(__dirname, "results/latest.md");
/** Quick runs are for a look, not for the record: they never replace latest.md or the README's figures. */
export const QUICK_OUT = resolve(__dirname, "results/quick.md");

const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");

/** Runs the plan and returns the Markdown report; `progress` hears which benchmark is running. */
export async function runBenchmarks(plan: Plan, progress: (step: string) => void = () => undefined): Promise<string> {
  const t0 = performance.now();
  const loadBefore = load();
  const dir = mkdtempSync(join(tmpdir(), "iam-adb-sync-bench-"));
  try {
    progress("building the bundle and its baselines");
    const builds = await buildVariants(dir);
    const rows: Row[] = [...bundleSizeRows(builds)];
    progress(`start-up, ${plan.startupRuns} runs per variant`);
    rows.push(...(await benchStartup(builds, plan.startupRuns)));
    progress(`load, ${plan.load.rounds} rounds of ${plan.load.usersPerRound * 2} events, 3 processes`);
    rows.push(...(await benchLoad(builds, plan.load)));
    progress(`first reply and first real event on Node 22, ${plan.startupRuns} runs`);
    rows.push(...(await benchFirstReply(builds, plan.startupRuns)));
    progress(`warm overhead per event against the replay of its calls, ${plan.overheadUsers * 2} events, machine's node and Node 22`);
    for (const node of [MACHINE_NODE, NODE22]) rows.push(...overheadRows(await measureOverhead(builds.ours.file, plan.overheadUsers, node), node));
    progress("event latency against today's function (main)");
    rows.push(...(await benchEventLatency(builds, plan.load)));
    progress(`cdktf synth, ${plan.synthRuns} runs`);
    rows.push(benchSynth(plan.synthRuns));
    progress("remote calls per event");
    const calls = await benchRemoteCalls(builds, plan.warmEvents);
    progress(`reconcile at ${plan.reconcileSizes.join(", ")} users (bench/reconcile.ts)`);
    const reconcile = await benchReconcile(plan.reconcileSizes);
    progress(`history checker, ${plan.histories} histories`);
    const histories = await benchHistories(plan.histories);
    const sections: Section[] = [
      rowsSection("Function, bundle and infrastructure", rows, [
        "Every ratio is ours ÷ baseline, both measured in this run on this machine; below 1× means ours is smaller or faster.",
        NAIVE_DEFINITION,
        "Start-up: from spawn() of `node <file>` to the fdk's unix socket appearing (FN_FORMAT=http-stream), one process at a time, variants interleaved. Sources via tsx: `node --import tsx function/src/main.ts`. Transpiled: our sources in one esbuild file with node_modules external (require() from node_modules at run time). SDK external: our bundle's options, the OCI SDK packages (oci-common, oci-secrets) left to node_modules; none of them is required before the first event, so the difference to ours is what parsing their bundled bytes costs.",
        "Warm overhead: each event's calls (as the loopback servers received them: identity read, ORDS look-up and change script, audit PUT) are replayed right after it with plain node:http over keep-alive connections, overlapping calls concurrently, from a replayer process started like the function (same node, same NODE_OPTIONS; bench/overhead.ts, bench/lib/replay.ts); overhead = latency over the fdk socket − that replay, per event. The note beside it gives the overhead against the same calls replayed inside the servers' own process, where no reply has to wake another process. First reply: spawn → reply of the first call, our function with its full config answering an ignored event, echo answering its first call; first real event: a createuser from a cold process (Vault, OAuth token, identity, ORDS, audit).",
        "Load: one event at a time, as the Functions service calls a container, against the loopback ORDS and OCI servers, which run in the benchmark's own process. The echo function is bench/fixtures/echo-function.ts bundled like ours.",
        "Peak RSS is VmHWM from /proc (it includes ~40 MiB of the node binary's own pages, which the echo row shows). Uncapped, V8 lets garbage pile up below a heap limit sized from this machine's memory; the capped row sets NODE_OPTIONS through the function config, as a deployment can.",
        `Load average (1/5/15 min) at start: ${loadBefore}; at end: ${load()}. The machine is shared, so compare ratios rather than absolute times.`,
      ]),
      calls,
      reconcile,
      histories,
    ];
    return renderReport({ mode: plan.name, machine: machineLine(), seconds: (performance.now() - t0) / 1000, sections });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  new Command("bench")
    .description("Benchmark iam-adb-sync against baselines measured in the same run; prints a Markdown report")
    .option("--quick", "fewer runs and events, reconcile up to 10k users (a few minutes)", false)
    .option("--out <file>", `where to write the report (default ${DEFAULT_OUT}; with --quick ${QUICK_OUT}, git-ignored)`)
    .action(async (opts: { quick: boolean; out?: string }) => {
      const out = opts.out ?? (opts.quick ? QUICK_OUT : DEFAULT_OUT);
      const report = await runBenchmarks(opts.quick ? QUICK : FULL, (step) => process.stderr.write(`bench: ${step}…\n`));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, report);
      process.stdout.write(report);
      process.stderr.write(`bench: written to ${out}\n`);
      if (out === DEFAULT_OUT) {
        writeReadmeFigures(report);
        process.stderr.write("bench: README figures block updated\n");
      }
    })
    .parseAsync()
    .catch((err: unknown) => {
      process.stderr.write(`bench failed: ${(err as Error).message}\n`);
      process.exitCode = 1;
    });
}
