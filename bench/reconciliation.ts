import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./builds";
import type { Section } from "./lib/report";

const run = promisify(execFile);

/**
 * Reconcile time, memory and ORDS/SCIM calls per size, from bench/reconcile.ts (which starts one process per
 * size so each peak RSS is that size's own); its Markdown table goes into the report as it is.
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
      "From bench/reconcile.ts: one process per size with the loopback SCIM and ORDS servers in it, so peak RSS includes their in-memory data; users/20 groups, every group mapped, two groups per user.",
      "\"time vs 1k\" is the ratio against the same phase at the smallest size of this run; \"baseline: SCIM page-through\" is a bare read of every user, no planning and no database.",
    ],
  };
}
