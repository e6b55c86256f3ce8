import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { NODE22 } from "../function/build/bundle";
import { invokeSocket, type FnReply } from "../test/support/fdk-harness";
import { exampleEvent, startLocalStack } from "../test/support/local-stack";
import { benchUsers, createUserEvent, registerUsers } from "./events";
import { CAPPED_HEAP } from "./load";
import { ROOT, type Builds } from "./builds";
import { launchListener } from "./lib/listener";
import { MACHINE_NODE, nodeVersion } from "./lib/proc";
import { ms, ratio } from "./lib/markdown";
import type { Row } from "./lib/report";
import { summarize, type Summary } from "./lib/summary";

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

/**
 * Spawn → first reply over the fdk socket, on Node 22 (the image's runtime), variants interleaved:
 * - echo: the bare fdk echo function answering its first call (the baseline of both rows);
 * all with the NODE_OPTIONS the stack deploys a 128 MB function with (and the code cache built for them);
 * - ours, first reply: a fully configured provisioning function answering an event it ignores
 *   (unrelated-createbucket: config parsed and services built, no remote call), i.e. cold start alone;
 * - ours, first real event: a createuser of a user IAM knows, against the loopback stack: Vault secret,
 *   OAuth token, identity read, ORDS look-up and change script, audit PUT, all from a cold process.
 */
export async function benchFirstReply(builds: Builds, runs: number): Promise<Row[]> {
  const stack = await startLocalStack({ functionFile: builds.ours.file });
  try {
    const env = { ...stack.oci.env, ...stack.config, ...CAPPED_HEAP };
    const users = benchUsers(10_000, runs);
    registerUsers(stack, users);
    const samples = { echo: [] as number[], ignored: [] as number[], real: [] as number[] };
    const firstReply = async (file: string, body: unknown, check: (reply: FnReply) => boolean, withEnv?: Record<string, string>): Promise<number> => {
      const fn = await launchListener([file], { cwd: ROOT, env: withEnv, node: NODE22 });
      try {
        const reply = await invokeSocket(fn.socket, body);
        const ms = performance.now() - fn.spawnedAt;
        if (!check(reply)) throw new Error(`first reply of ${file}: ${reply.status} ${reply.body.slice(0, 300)}`);
        return ms;
      } finally {
        await fn.stop();
      }
    };
    const outcome = (r: FnReply) => (r.json as { outcome?: string } | undefined)?.outcome;
    for (let i = 0; i < runs; i++) {
      samples.echo.push(await firstReply(builds.echo.file, `ping-${i}`, (r) => r.status === 200 && r.body.includes(`ping-${i}`), CAPPED_HEAP));
      samples.ignored.push(await firstReply(builds.ours.file, exampleEvent("unrelated-createbucket"), (r) => r.status === 200 && outcome(r) === "ignored", env));
      samples.real.push(await firstReply(builds.ours.file, createUserEvent(users[i]), (r) => r.status === 200 && outcome(r) === "applied", env));
    }
    const [echo, ignored, real] = [samples.echo, samples.ignored, samples.real].map(summarize);
    const range = (s: Summary) => `${ms(s.min)}–${ms(s.max)}`;
    return [
      { measure: "Node 22: spawn → first reply vs bare fdk echo function's first reply", ours: ms(ignored.median), baseline: ms(echo.median), ratio: ratio(ignored.median, echo.median), runs: `median of ${runs}`, note: `goal ≤ 2.0×; an ignored event, full config, no remote call; range ours ${range(ignored)}, echo ${range(echo)}` },
      { measure: "Node 22: spawn → first real event's reply vs echo's first reply", ours: ms(real.median), baseline: ms(echo.median), ratio: ratio(real.median, echo.median), runs: `median of ${runs}`, note: `createuser: Vault, OAuth token, identity read, 2 ORDS calls, audit PUT on loopback; range ${range(real)}` },
    ];
  } finally {
    await stack.stop();
  }
}
