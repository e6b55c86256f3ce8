import { join } from "node:path";
import { ROOT, type Builds } from "./builds";
import { launchListener } from "./lib/listener";
import { ms, ratio } from "./lib/markdown";
import type { Row } from "./lib/report";
import { summarize } from "./lib/summary";

interface Variant {
  label: string;
  argv: string[];
  env?: Record<string, string>;
}

/**
 * Process start → fdk listener socket, for our bundle and each baseline. Variants are started round-robin,
 * one process at a time, so a burst of load on the shared machine hits all of them alike.
 */
export async function benchStartup(builds: Builds, runs: number): Promise<Row[]> {
  const variants: Record<"ours" | "echo" | "tsx" | "external" | "naive" | "sdkExternal", Variant> = {
    ours: { label: "our bundle", argv: [builds.ours.file] },
    echo: { label: "bare fdk echo function", argv: [builds.echo.file] },
    tsx: { label: "sources via tsx", argv: ["--import", "tsx", join(ROOT, "function/src/main.ts")] },
    external: { label: "sources transpiled, node_modules external", argv: [builds.sourcesOnly.file], env: { NODE_PATH: join(ROOT, "node_modules") } },
    naive: { label: "naive bundle", argv: [builds.naive.file] },
    sdkExternal: { label: "our bundle with the OCI SDK external", argv: [builds.sdkExternal.file], env: { NODE_PATH: join(ROOT, "node_modules") } },
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]])) as Record<keyof typeof variants, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const [key, v] of Object.entries(variants) as [keyof typeof variants, Variant][]) {
      const fn = await launchListener(v.argv, { cwd: ROOT, env: v.env });
      samples[key].push(fn.readyMs);
      await fn.stop();
    }
  }
  const median = (k: keyof typeof variants) => summarize(samples[k]).median;
  const ours = median("ours");
  return (["echo", "tsx", "external", "naive", "sdkExternal"] as const).map((k) => ({
    measure: `start-up to listener ready vs ${variants[k].label}`,
    ours: ms(ours),
    baseline: ms(median(k)),
    ratio: ratio(ours, median(k)),
    runs: `median of ${runs}`,
    note: `range ours ${ms(summarize(samples.ours).min)}–${ms(summarize(samples.ours).max)}, baseline ${ms(summarize(samples[k]).min)}–${ms(summarize(samples[k]).max)}`,
  }));
}
