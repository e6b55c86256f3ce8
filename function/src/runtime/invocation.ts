/** What every handler in the bundle receives: the fdk context reduced to what we use. */
export interface Invocation {
  /** Raw request body (the fdk runs in string mode so we parse it ourselves). */
  body: string;
  /** Function configuration (ctx.config: the environment the Functions service sets). */
  config: Readonly<Record<string, string | undefined>>;
  /** Invocation deadline from Fn-Deadline; null when the caller sent none. */
  deadline: Date | null;
  callId: string;
}

/** A handler's answer: status >= 400 becomes a non-2xx reply through the fdk. */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export type Handler = (inv: Invocation) => Promise<Reply>;
