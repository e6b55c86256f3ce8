/**
 * Replays recorded HTTP calls with plain node:http over keep-alive connections: the warm-overhead baseline
 * (bench/overhead.ts). Run as a script (forked, IPC), it is the replayer process: it gets each event's calls
 * as groups, replays them (a group's calls concurrently, the groups one after another) and answers with the
 * wall time it took, measured inside it.
 */
import { Agent, request, type OutgoingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";

/** One recorded call as it crosses the IPC channel. */
export interface ReplayCall {
  port: number;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  /** The request body, base64. */
  body: string;
}

function replayCall(c: ReplayCall, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: c.port, method: c.method, path: c.path, headers: c.headers, agent }, (res) => {
      res.resume();
      res.on("end", resolve);
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(Buffer.from(c.body, "base64"));
  });
}

/** Replays the groups in order, each group's calls at once; resolves with the milliseconds it took. */
export async function replay(groups: readonly (readonly ReplayCall[])[], agent: Agent): Promise<number> {
  const t = performance.now();
  for (const group of groups) await Promise.all(group.map((c) => replayCall(c, agent)));
  return performance.now() - t;
}

if (require.main === module) {
  const agent = new Agent({ keepAlive: true });
  process.on("message", (groups: ReplayCall[][]) => {
    replay(groups, agent).then(
      (ms) => process.send?.({ ms }),
      (err: unknown) => process.send?.({ error: String(err) }),
    );
  });
  process.on("disconnect", () => agent.destroy());
}
