import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { synthesizeAll } from "../function/cli/sandbox/synth-summary";
import { ROOT } from "./builds";
import { ms, ratio } from "./lib/markdown";
import type { Row } from "./lib/report";
import { summarize } from "./lib/summary";

/** Wall time of `run(outDir)` into a fresh directory. */
function timed(run: (outDir: string) => void): number {
  const out = mkdtempSync(join(tmpdir(), "bench-synth-"));
  try {
    const t = performance.now();
    run(out);
    return performance.now() - t;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * `cdktf synth` of every environment (infra/main.ts as `npm start` runs it, bundle already built) against a
 * CDKTF app with no stacks started the same way: the difference is what our stacks cost.
 */
export function benchSynth(runs: number): Row {
  const empty = join(__dirname, "fixtures/empty-app.ts");
  const ours: number[] = [];
  const base: number[] = [];
  let stacks = 0;
  for (let i = 0; i < runs; i++) {
    ours.push(timed((out) => (stacks = synthesizeAll(ROOT, out).length)));
    base.push(
      timed((out) =>
        execFileSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), empty], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1" }, stdio: "ignore" }),
      ),
    );
  }
  const [o, b] = [summarize(ours).median, summarize(base).median];
  return { measure: `cdktf synth, all ${stacks} environments vs an app with zero stacks`, ours: ms(o), baseline: ms(b), ratio: ratio(o, b), runs: `median of ${runs}`, note: "both: node + tsx + cdktf in a fresh process" };
}
