import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./builds";
import type { Section } from "./lib/report";

const run = promisify(execFile);

/**
 * Reconcile time, memory and ORDS/SCIM calls per size, from bench/reconcile.ts (its own processes per size);
 * its Markdown table goes into the report as it is.
 */
export async function benchReconcile(sizes: readonly number[]): Promise<Section> {
  const script = join(__dirname, "reconcile.ts");
  const { stdout } = await run(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), script, "--sizes", sizes.join(",")], {
    cwd: ROOT,
    maxBuffer: 1 << 24,
  });
  const table = stdout
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .join("\n");
  if (!table) throw new Error(`bench/reconcile.ts printed no table:\n${stdout.slice(0, 2000)}`);
  return {
    title: `Reconciliation at ${sizes.map((n) => n.toLocaleString("en")).join(" / ")} users`,
    table,
    notes: [
      "From bench/reconcile.ts, whose header describes the set-up (users/20 groups, every group mapped, two groups per user, loopback SCIM and ORDS in a process of their own) and how CPU and peak RSS are taken.",
      "Each phase runs in a fresh runner process on Node 22 (the image's runtime) with the NODE_OPTIONS the stack gives a 256 MB function and the heap growth the reconcile role sets when a run starts (old generation allowed to double between full collections: function/src/reconcile/heap-growth.ts), and the steady phase once more on the machine's node; product CPU is that process's CPU over the run, servers' CPU the loopback servers' over the same phase (kept apart so the servers' cost is not counted as ours).",
      "The time ratio is against the same phase at the size before in this run (10× fewer users); linear time in users shows as about 10×. \"baseline: SCIM page-through\" is a bare read of every user, no planning and no database.",
    ],
  };
}
