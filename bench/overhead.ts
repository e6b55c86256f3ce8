/**
 * The function's own time per event: latency over the fdk socket minus the round trips of the very calls the
 * function made for that event (identity read, ORDS look-up and change script, audit PUT), replayed right
 * after it with plain node:http against the same loopback servers.
 *
 * The replay that counts runs in a process of its own, started like the function (same node binary, same
 * NODE_OPTIONS), as any client of those servers would: each call then crosses between processes as the
 * function's calls do. The same calls are also replayed from inside the servers' process, where a reply
 * reaches its client without waking another process; that figure is reported beside it. The two replays take
 * turns going first.
 *
 * The calls are taken as the servers received them (diagnostics_channel `http.server.request.start`, so
 * neither the function nor the servers are changed for it): method, path, headers (signature and bearer
 * token included, so the servers authenticate the replay exactly as they did the original) and body. Calls
 * that overlapped in the function (the look-up that runs beside the identity read) are replayed concurrently,
 * the others one after another, over keep-alive connections like the function's. A replayed change script
 * meets the change already applied and the database stops it at its version check, so the replay's server
 * work is if anything lighter than the original's: that can only make the measured overhead larger.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { fork } from "node:child_process";
import { once } from "node:events";
import { Agent, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { eventStream } from "./events";
import { applied, CAPPED_HEAP, startWarmStack } from "./load";
import { ms, ratio } from "./lib/markdown";
import { MACHINE_NODE, nodeVersion } from "./lib/proc";
import { replay, type ReplayCall } from "./lib/replay";
import { ROOT } from "./builds";
import type { Row } from "./lib/report";
import { summarize } from "./lib/summary";

interface Call {
  port: number;
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Buffer[];
  /** When the server got the request and finished its reply (performance.now()). */
  start: number;
  end: number;
}

/** Every request the loopback servers of this process receive while `recording` is on. */
class CallRecorder {
  recording = false;
  calls: Call[] = [];
  private readonly onStart = (message: unknown): void => {
    if (!this.recording) return;
    const { request: req, response: res } = message as { request: IncomingMessage; response: ServerResponse };
    const call: Call = { port: req.socket.localPort ?? 0, method: req.method ?? "GET", path: req.url ?? "/", headers: { ...req.headers }, body: [], start: performance.now(), end: 0 };
    this.calls.push(call);
    // The servers attach their own data listeners in the same tick, before any chunk can arrive.
    req.on("data", (c: Buffer) => call.body.push(c));
    res.once("finish", () => (call.end = performance.now()));
  };

  constructor() {
    subscribe("http.server.request.start", this.onStart);
  }

  take(): Call[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }

  close(): void {
    unsubscribe("http.server.request.start", this.onStart);
  }
}

/** Calls grouped as the function issued them: a call that started before the group's last reply joins it. */
export function concurrentGroups(calls: readonly Call[]): Call[][] {
  const groups: Call[][] = [];
  let groupEnd = -Infinity;
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    if (c.start < groupEnd) groups[groups.length - 1].push(c);
    else groups.push([c]);
    groupEnd = Math.max(groupEnd, c.end);
  }
  return groups;
}

/** A call as the replayer process gets it. */
const wire = (c: Call): ReplayCall => ({ port: c.port, method: c.method, path: c.path, headers: c.headers, body: Buffer.concat(c.body).toString("base64") });

/** The replayer process (bench/lib/replay.ts) for one node binary and heap flags: replays an event's calls on request. */
function startReplayer(node: string, nodeOptions: string) {
  // tsx runs the replayer's TypeScript whatever runs this file (tsx, jest).
  const child = fork(join(__dirname, "lib/replay.ts"), [], { cwd: ROOT, execPath: node, execArgv: ["--import", "tsx", ...nodeOptions.split(" ").filter(Boolean)], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`replayer exited (${String(code)})`);
  });
  exited.catch(() => undefined);
  return {
    async replay(groups: ReplayCall[][]): Promise<number> {
      const answer = once(child, "message") as Promise<[{ ms?: number; error?: string }]>;
      child.send(groups);
      const [{ ms, error }] = await Promise.race([answer, exited]);
      if (ms === undefined) throw new Error(`replayer: ${error ?? "no answer"}`);
      return ms;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, "exit");
      child.disconnect();
      await gone;
    },
  };
}

export interface Overhead {
  /** Per event: latency over the fdk socket, the replayed calls' wall time (replayer process), and the difference. */
  latencyMs: number[];
  replayMs: number[];
  overheadMs: number[];
  /** The same calls replayed from inside the servers' process, and latency minus that. */
  inProcessReplayMs: number[];
  inProcessOverheadMs: number[];
  /** Server-side handling time of the calls per event, original and replay (how alike the two are). */
  serverMs: number[];
  replayServerMs: number[];
  callsPerEvent: number;
}

const serverTime = (calls: readonly Call[]) => calls.reduce((t, c) => t + (c.end - c.start), 0);

/** `users` new users' createuser + addusertogroup events, each followed by the replay of its calls. */
export async function measureOverhead(file: string, users: number, node = MACHINE_NODE, config: Record<string, string> = CAPPED_HEAP): Promise<Overhead> {
  const { stack, users: fresh } = await startWarmStack(file, users, applied, config, node);
  const recorder = new CallRecorder();
  const agent = new Agent({ keepAlive: true });
  const replayer = startReplayer(node, config.NODE_OPTIONS ?? "");
  const out: Overhead = { latencyMs: [], replayMs: [], overheadMs: [], inProcessReplayMs: [], inProcessOverheadMs: [], serverMs: [], replayServerMs: [], callsPerEvent: 0 };
  let calls = 0;
  try {
    for (const [i, e] of eventStream(fresh).entries()) {
      recorder.recording = true;
      const t = performance.now();
      const reply = await stack.send(e);
      const latency = performance.now() - t;
      applied(e, reply);
      const made = recorder.take();
      const groups = concurrentGroups(made).map((g) => g.map(wire));
      const apart = () => replayer.replay(groups);
      const inside = () => replay(groups, agent);
      let replayMs: number;
      let insideMs: number;
      if (i % 2 === 0) {
        replayMs = await apart();
        insideMs = await inside();
      } else {
        insideMs = await inside();
        replayMs = await apart();
      }
      recorder.recording = false;
      const replayed = recorder.take();
      out.latencyMs.push(latency);
      out.replayMs.push(replayMs);
      out.overheadMs.push(latency - replayMs);
      out.inProcessReplayMs.push(insideMs);
      out.inProcessOverheadMs.push(latency - insideMs);
      out.serverMs.push(serverTime(made));
      // Both replays' calls: per replay, half of it.
      out.replayServerMs.push(serverTime(replayed) / 2);
      calls += made.length;
    }
    out.callsPerEvent = calls / out.latencyMs.length;
    return out;
  } finally {
    recorder.close();
    agent.destroy();
    await replayer.stop();
    await stack.stop();
  }
}

/** Rows for one node binary: overhead p50 and p99 (paired per event), against the replayed round trips. */
export function overheadRows(o: Overhead, node: string): Row[] {
  const [lat, rep, ovh, srv, rsrv, inRep, inOvh] = [o.latencyMs, o.replayMs, o.overheadMs, o.serverMs, o.replayServerMs, o.inProcessReplayMs, o.inProcessOverheadMs].map(summarize);
  const version = nodeVersion(node);
  const runs = `${o.latencyMs.length} events`;
  const note = `server time per event ${ms(srv.median)} original, ${ms(rsrv.median)} replayed; ${o.callsPerEvent.toFixed(1)} calls per event; ${CAPPED_HEAP.NODE_OPTIONS}`;
  return [
    { measure: `warm overhead per event, p50 (latency − replay of its calls), node ${version}`, ours: ms(lat.median), baseline: ms(rep.median), ratio: ratio(lat.median, rep.median), runs, note: `overhead p50 ${ms(ovh.median)} (goal ≤ 2 ms) against the replay from a process of its own; against the same calls replayed inside the servers' process (${ms(inRep.median)}): ${ms(inOvh.median)}; ${note}` },
    { measure: `warm overhead per event, p99, node ${version}`, ours: ms(lat.p99), baseline: ms(rep.p99), ratio: ratio(lat.p99, rep.p99), runs, note: `overhead p99 ${ms(ovh.p99)}, max ${ms(ovh.max)}; against the in-process replay: p99 ${ms(inOvh.p99)}` },
  ];
}
