import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

export interface StackSummary {
  stack: string;
  resources: number;
  byType: Record<string, number>;
  outputs: number;
}

const synthCommand = (root: string, outDir: string) => ({
  args: [join(root, "node_modules/tsx/dist/cli.mjs"), "infra/main.ts"],
  options: { cwd: root, env: { ...process.env, CDKTF_OUTDIR: outDir, IAM_ADB_SYNC_SKIP_BUNDLE: "1", CHECKPOINT_DISABLE: "1" } },
});

/**
 * Synthesizes every environment (infra/main.ts, the same app `cdktf synth` runs) into `outDir` and counts
 * what each stack would create. The bundle is already built by the sandbox, so the app skips rebuilding it.
 */
export function synthesizeAll(root: string, outDir: string): StackSummary[] {
  const { args, options } = synthCommand(root, outDir);
  execFileSync(process.execPath, args, { ...options, stdio: ["ignore", "ignore", "pipe"] });
  return summarizeStacks(outDir);
}

/** The same, without blocking: the sandbox still hears Ctrl-C while it runs, and aborts it. */
export async function synthesizeAllAsync(root: string, outDir: string, signal: AbortSignal): Promise<StackSummary[]> {
  const { args, options } = synthCommand(root, outDir);
  await promisify(execFile)(process.execPath, args, { ...options, maxBuffer: 64 * 1024 * 1024, signal });
  return summarizeStacks(outDir);
}

function summarizeStacks(outDir: string): StackSummary[] {
  const stacksDir = join(outDir, "stacks");
  if (!existsSync(stacksDir)) throw new Error(`synth wrote no stacks under ${stacksDir}`);
  return readdirSync(stacksDir)
    .sort()
    .map((stack) => {
      const tf = JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8")) as {
        resource?: Record<string, Record<string, unknown>>;
        output?: Record<string, unknown>;
      };
      const byType: Record<string, number> = {};
      for (const [type, items] of Object.entries(tf.resource ?? {})) byType[type] = Object.keys(items).length;
      return { stack, resources: Object.values(byType).reduce((a, b) => a + b, 0), byType, outputs: Object.keys(tf.output ?? {}).length };
    });
}
