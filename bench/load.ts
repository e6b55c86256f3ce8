import { performance } from "node:perf_hooks";
import { NODE22 } from "../function/build/bundle";
import { nodeOptionsFor } from "../infra/config/heap-flags";
import type { Builds } from "./builds";
import { benchUsers, eventStream, registerUsers, type BenchUser } from "./events";
import { mib, ms, ratio } from "./lib/markdown";
import { childPid, MACHINE_NODE, peakRssBytes } from "./lib/proc";
import type { Row } from "./lib/report";
import { summarize } from "./lib/summary";
import type { FnReply } from "../test/support/fdk-harness";
import { startLocalStack, type LocalStack } from "../test/support/local-stack";

/** The smallest memory shape an OCI function can have. */
export const SMALLEST_SHAPE_BYTES = 128 * 1024 * 1024;

interface LoadResult {
  /** Events per second of each round. */
  throughput: number[];
  latencyMs: number[];
  peakRss: number;
}

export interface LoadOptions {
  rounds: number;
  /** Users per round; each user makes two events. */
  usersPerRound: number;
}

/**
 * The loopback stack with `file` started under `node`, `users` bench users registered in IAM, and the
 * warm-up pair (user 0's two events) sent and checked: what every warm measurement starts from.
 */
export async function startWarmStack(
  file: string,
  users: number,
  check: (event: Record<string, unknown>, reply: FnReply) => void,
  config?: Record<string, string>,
  node = MACHINE_NODE,
): Promise<{ stack: LocalStack; users: BenchUser[] }> {
  // The test harness starts the function with FUNCTION_NODE when set.
  const previous = process.env.FUNCTION_NODE;
  process.env.FUNCTION_NODE = node;
  const stack = await startLocalStack({ functionFile: file, config }).finally(() => {
    if (previous === undefined) delete process.env.FUNCTION_NODE;
    else process.env.FUNCTION_NODE = previous;
  });
  try {
    const all = benchUsers(0, 1 + users);
    registerUsers(stack, all);
    for (const e of eventStream(all.slice(0, 1))) check(e, await stack.send(e));
    return { stack, users: all.slice(1) };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/**
 * Sends the event stream one event at a time (the Functions service gives a container one call at a time)
 * through the fdk socket, after a warm-up pair, and checks every reply so a failing run cannot pass as fast.
 */
export async function drive(
  file: string,
  o: LoadOptions,
  check: (event: Record<string, unknown>, reply: FnReply) => void,
  config?: Record<string, string>,
  node = MACHINE_NODE,
): Promise<LoadResult> {
  const { stack, users } = await startWarmStack(file, o.rounds * o.usersPerRound, check, config, node);
  try {
    const result: LoadResult = { throughput: [], latencyMs: [], peakRss: 0 };
    for (let r = 0; r < o.rounds; r++) {
      const events = eventStream(users.slice(r * o.usersPerRound, (r + 1) * o.usersPerRound));
      const start = performance.now();
      for (const e of events) {
        const t = performance.now();
        const reply = await stack.send(e);
        result.latencyMs.push(performance.now() - t);
        check(e, reply);
      }
      result.throughput.push(events.length / ((performance.now() - start) / 1000));
    }
    result.peakRss = peakRssBytes(childPid(file));
    return result;
  } finally {
    await stack.stop();
  }
}

/** Applied, or unchanged when IAM already showed the change an earlier event of the user applied. */
export const applied = (e: Record<string, unknown>, reply: FnReply) => {
  const outcome = (reply.json as { outcome?: string } | undefined)?.outcome;
  if (reply.status !== 200 || (outcome !== "applied" && outcome !== "unchanged")) throw new Error(`event ${String(e.eventID)}: ${reply.status} ${outcome ?? JSON.stringify(reply.json).slice(0, 300)}`);
};
const echoed = (e: Record<string, unknown>, reply: FnReply) => {
  if (reply.status !== 200 || !reply.body.includes(String(e.eventID))) throw new Error(`echo of ${String(e.eventID)}: ${reply.status} ${reply.body.slice(0, 300)}`);
};

/**
 * Heap limits set the way a user would on OCI (NODE_OPTIONS as function config). Uncapped, V8 sizes its heap
 * from this machine's memory (in a container, from the cgroup limit: about the whole shape) and collects
 * lazily below it, so peak RSS shows the garbage it lets pile up; capped, it shows what the function needs.
 * These are the flags the stack deploys a 128 MB function with (and the bundle has a code cache for).
 */
export const CAPPED_HEAP = { NODE_OPTIONS: nodeOptionsFor(128) };

/** The same load with the function (and the echo) on Node 22, the image's runtime, heap capped as deployed. */
function node22Rows(ours: LoadResult, echo: LoadResult, events: string): Row[] {
  const [lo, le] = [summarize(ours.latencyMs), summarize(echo.latencyMs)];
  return [
    { measure: "Node 22: latency p50 per event vs echo function on Node 22", ours: ms(lo.median), baseline: ms(le.median), ratio: ratio(lo.median, le.median), runs: events, note: `p99 ours ${ms(lo.p99)}, echo ${ms(le.p99)}; ${CAPPED_HEAP.NODE_OPTIONS}` },
    { measure: `Node 22: peak RSS, ${CAPPED_HEAP.NODE_OPTIONS} vs smallest function shape`, ours: mib(ours.peakRss), baseline: mib(SMALLEST_SHAPE_BYTES), ratio: ratio(ours.peakRss, SMALLEST_SHAPE_BYTES), runs: "1 process", note: `echo on Node 22: ${mib(echo.peakRss)}` },
  ];
}

/** Warm throughput, p50/p99 latency and peak RSS of our bundle against the bare fdk echo function. */
export async function benchLoad(builds: Builds, o: LoadOptions): Promise<Row[]> {
  const ours = await drive(builds.ours.file, o, applied);
  const capped = await drive(builds.ours.file, o, applied, CAPPED_HEAP);
  const echo = await drive(builds.echo.file, o, echoed);
  const ours22 = await drive(builds.ours.file, o, applied, CAPPED_HEAP, NODE22);
  const echo22 = await drive(builds.echo.file, o, echoed, CAPPED_HEAP, NODE22);
  const [lo, le] = [summarize(ours.latencyMs), summarize(echo.latencyMs)];
  const [to, te] = [summarize(ours.throughput).median, summarize(echo.throughput).median];
  const events = `${o.rounds} × ${o.usersPerRound * 2} events`;
  return [
    { measure: "warm throughput, sequential (events/s) vs echo function", ours: to.toFixed(1), baseline: te.toFixed(1), ratio: ratio(to, te), runs: `median of ${o.rounds} rounds`, note: "createuser + addusertogroup per new user, loopback ORDS + OCI, audit on" },
    { measure: "latency p50 per event vs echo function", ours: ms(lo.median), baseline: ms(le.median), ratio: ratio(lo.median, le.median), runs: events, note: "client send → full reply over the fdk unix socket" },
    { measure: "latency p99 per event vs echo function", ours: ms(lo.p99), baseline: ms(le.p99), ratio: ratio(lo.p99, le.p99), runs: events, note: `max ours ${ms(lo.max)}, echo ${ms(le.max)}` },
    { measure: "peak RSS under that load vs smallest function shape", ours: mib(ours.peakRss), baseline: mib(SMALLEST_SHAPE_BYTES), ratio: ratio(ours.peakRss, SMALLEST_SHAPE_BYTES), runs: `1 process, ${o.rounds * o.usersPerRound * 2 + 2} events`, note: "VmHWM of the function process" },
    {
      measure: `peak RSS, same load, ${CAPPED_HEAP.NODE_OPTIONS} vs smallest function shape`,
      ours: mib(capped.peakRss),
      baseline: mib(SMALLEST_SHAPE_BYTES),
      ratio: ratio(capped.peakRss, SMALLEST_SHAPE_BYTES),
      runs: "1 process",
      note: `NODE_OPTIONS as function config; throughput ${summarize(capped.throughput).median.toFixed(1)} events/s, p99 ${ms(summarize(capped.latencyMs).p99)}`,
    },
    { measure: "peak RSS under that load vs echo function", ours: mib(ours.peakRss), baseline: mib(echo.peakRss), ratio: ratio(ours.peakRss, echo.peakRss), runs: `1 process each`, note: "same event stream" },
    ...node22Rows(ours22, echo22, events),
  ];
}
