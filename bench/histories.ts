import { performance } from "node:perf_hooks";
import { HistoryRig } from "../test/history/checker";
import { generateHistory } from "../test/history/generator";
import { markdownTable } from "./lib/markdown";
import type { Section } from "./lib/report";

/** Seeds the benchmark checks: far from the 1… range `npm test` runs, so the two runs cover different histories. */
const BENCH_SEED_BASE = 1_000_000;

/**
 * The history checker (test/history) outside the test suite: `count` seeded histories (concurrent,
 * duplicated, reordered, stale, forged and dropped events over overlapping users) against 4 copies of the
 * bundle under the fdk listener; a divergence is a final database that differs from the model of the
 * identity domain's final state. A count, not a timing: no baseline.
 */
export async function benchHistories(count: number, copies = 4): Promise<Section> {
  const rig = await HistoryRig.start(copies);
  const failed: number[] = [];
  let deliveries = 0;
  const t0 = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const h = generateHistory(BENCH_SEED_BASE + i);
      const outcome = await rig.run(h);
      deliveries += outcome.log.length;
      if (outcome.divergences.length > 0) failed.push(h.seed);
    }
  } finally {
    await rig.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const table = markdownTable(
    ["histories checked", "bundle copies", "deliveries", "divergences", "time per history"],
    [[String(count), String(copies), String(deliveries), String(failed.length), `${((seconds * 1000) / count).toFixed(0)} ms`]],
    ["r", "r", "r", "r", "r"],
  );
  return {
    title: "History checker (issue 9)",
    table,
    notes: [
      `Seeds ${BENCH_SEED_BASE}…${BENCH_SEED_BASE + count - 1} (npm test checks seeds 1…300). Each history ends with one reconcile run; the final database is compared with the model of the identity domain's final state.`,
      failed.length === 0 ? "No divergence." : `Diverging seeds (replay: HISTORY_SEED=<seed> npx jest test/history): ${failed.slice(0, 20).join(", ")}`,
    ],
  };
}
