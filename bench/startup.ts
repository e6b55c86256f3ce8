import { join } from "node:path";
import { NODE22 } from "../function/build/bundle";
import { ROOT, type Builds } from "./builds";
import { launchListener } from "./lib/listener";
import { MACHINE_NODE, nodeVersion } from "./lib/proc";
import { ms, ratio } from "./lib/markdown";
import type { Row } from "./lib/report";
import { summarize } from "./lib/summary";

interface Variant {
  label: string;
  argv: string[];
  env?: Record<string, string>;
  /** node binary; the bench's own node (the machine's) by default. */
  node?: string;
}

/**
 * Process start → fdk listener socket, for our bundle and each baseline. Variants are started round-robin,
 * one process at a time, so a burst of load on the shared machine hits all of them alike.
 */
export async function benchStartup(builds: Builds, runs: number): Promise<Row[]> {
  const variants: Record<"ours" | "echo" | "ours22" | "echo22" | "tsx" | "external" | "naive" | "sdkExternal", Variant> = {
    ours22: { label: "our bundle on Node 22", argv: [builds.ours.file], node: NODE22 },
    echo22: { label: "bare fdk echo function on Node 22", argv: [builds.echo.file], node: NODE22 },
    ours: { label: "our bundle", argv: [builds.ours.file], node: MACHINE_NODE },
    echo: { label: "bare fdk echo function", argv: [builds.echo.file], node: MACHINE_NODE },
    tsx: { label: "sources via tsx", argv: ["--import", "tsx", join(ROOT, "function/src/main.ts")], node: MACHINE_NODE },
    external: { label: "sources transpiled, node_modules external", argv: [builds.sourcesOnly.file], env: { NODE_PATH: join(ROOT, "node_modules") }, node: MACHINE_NODE },
    naive: { label: "naive bundle", argv: [builds.naive.file], node: MACHINE_NODE },
    sdkExternal: { label: "our bundle with the OCI SDK external", argv: [builds.sdkExternal.file], env: { NODE_PATH: join(ROOT, "node_modules") }, node: MACHINE_NODE },
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]])) as Record<keyof typeof variants, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const [key, v] of Object.entries(variants) as [keyof typeof variants, Variant][]) {
      const fn = await launchListener(v.argv, { cwd: ROOT, env: v.env, node: v.node });
      samples[key].push(fn.readyMs);
      await fn.stop();
    }
  }
  const median = (k: keyof typeof variants) => summarize(samples[k]).median;
  const row = (mine: keyof typeof variants, k: keyof typeof variants, what: string): Row => ({
    measure: `start-up to listener ready${what} vs ${variants[k].label}`,
    ours: ms(median(mine)),
    baseline: ms(median(k)),
    ratio: ratio(median(mine), median(k)),
    runs: `median of ${runs}`,
    note: `range ours ${ms(summarize(samples[mine]).min)}–${ms(summarize(samples[mine]).max)}, baseline ${ms(summarize(samples[k]).min)}–${ms(summarize(samples[k]).max)}`,
  });
  const machine = nodeVersion(MACHINE_NODE);
  return [
    row("ours22", "echo22", ", Node 22 (the image's runtime, code cache accepted)"),
    ...(["echo", "tsx", "external", "naive", "sdkExternal"] as const).map((k) => row("ours", k, `, machine's node ${machine}${machine.startsWith("v22.") ? "" : " (code cache rejected)"}`)),
  ];
}
