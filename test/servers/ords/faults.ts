/** Which endpoint a fault applies to. */
export type FaultPath = "sql" | "token" | "any";

export type FaultSpec = {
  /** Default "any". */
  path?: FaultPath;
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Wait this long before answering (or before the status/drop below). */
  delayMs?: number;
} & (
  | { status: 429 | 500 | 502 | 503 | 504; retryAfterSeconds?: number; drop?: never; dropReply?: never }
  | { drop: true; status?: never; retryAfterSeconds?: never; dropReply?: never }
  /** The ambiguous commit: the script runs and commits, then the connection drops instead of the answer. */
  | { dropReply: true; status?: never; drop?: never; retryAfterSeconds?: never }
  | { status?: never; drop?: never; retryAfterSeconds?: never; dropReply?: never }
);

/** What the HTTP layer does with one request. */
export interface Fault {
  delayMs: number;
  status?: number;
  retryAfterSeconds?: number;
  drop: boolean;
  dropReply: boolean;
}

/** Queue of faults applied, in order, to the next matching requests. */
export class FaultInjector {
  private queue: Array<{ spec: FaultSpec; left: number }> = [];

  next(spec: FaultSpec): this {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`faults.next: times must be a positive integer, got ${spec.times}`);
    if (spec.delayMs !== undefined && !(spec.delayMs >= 0)) throw new Error(`faults.next: delayMs must be >= 0, got ${spec.delayMs}`);
    this.queue.push({ spec, left: times });
    return this;
  }

  clear(): void {
    this.queue = [];
  }

  /** Faults still waiting for a request. */
  get pending(): number {
    return this.queue.reduce((n, f) => n + f.left, 0);
  }

  /** Takes the first queued fault matching `path`, if any. */
  take(path: "sql" | "token"): Fault | undefined {
    const i = this.queue.findIndex((f) => (f.spec.path ?? "any") === "any" || f.spec.path === path);
    if (i < 0) return undefined;
    const entry = this.queue[i];
    if (--entry.left === 0) this.queue.splice(i, 1);
    const { spec } = entry;
    return { delayMs: spec.delayMs ?? 0, status: spec.status, retryAfterSeconds: spec.retryAfterSeconds, drop: spec.drop === true, dropReply: spec.dropReply === true };
  }
}
