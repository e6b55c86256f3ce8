import type { Logger } from "../log/logger";
import { httpExchange, type HttpResult } from "../net/http";
import { withRetry, type RetryPolicy } from "../net/retry";
import type { TokenSource } from "../oauth/token-source";
import { itemError, parseEnvelope, OraError, type EnvelopeItem } from "./envelope";

export type OrdsAuth = { kind: "oauth"; tokens: TokenSource } | { kind: "basic"; username: string; password: string };

/** A failure talking to ORDS itself (not a statement's ORA- error). Never carries credentials. */
export class OrdsError extends Error {
  override name = "OrdsError";
  constructor(
    message: string,
    readonly status: number,
    readonly transient = false,
  ) {
    super(message);
  }
}

export interface Bind {
  name: string;
  data_type: "VARCHAR2" | "NUMBER";
  value: string | number;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  hasMore: boolean;
}

/**
 * Per-statement outcome of a script, aligned with the statements sent; `notRun`: the script stopped at an
 * earlier failing statement.
 */
export type StatementOutcome = { ok: true } | { ok: false; error: OraError } | { ok: false; notRun: true };

/**
 * Every script starts with these: no substitution variables (an & in text stays text), and (unless the
 * caller asks to go on) stop at the first failing statement so nothing after a failure runs, rolling back
 * what is not committed yet (SQL*Plus would commit on EXIT by default; DDL commits what came before it).
 */
const preamble = (onError: "exit" | "continue") => ["SET DEFINE OFF", onError === "exit" ? "WHENEVER SQLERROR EXIT SQL.SQLCODE ROLLBACK" : "WHENEVER SQLERROR CONTINUE"];

export interface OrdsClientOptions {
  /** https://host/ords/<schema-alias> */
  url: string;
  auth: OrdsAuth;
  log: Logger;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

/**
 * ORDS REST-enabled SQL (`POST <url>/_/sql`): bearer token from the OAuth client (refreshed once on 401) or
 * database basic auth; transient failures retried within the invocation deadline.
 */
export class OrdsClient {
  /** Calls sent to /_/sql (for reporting remote calls per event). */
  sqlCalls = 0;
  /** Attempts the last call took (more than one: an earlier attempt may have landed though its reply was lost). */
  lastSendAttempts = 0;

  constructor(private readonly o: OrdsClientOptions) {}

  private get host(): string {
    return new URL(this.o.url).host;
  }

  private async authorization(deadline: Date | null): Promise<string> {
    if (this.o.auth.kind === "basic") {
      return `Basic ${Buffer.from(`${this.o.auth.username}:${this.o.auth.password}`).toString("base64")}`;
    }
    return `Bearer ${await this.o.auth.tokens.get(deadline)}`;
  }

  private async post(contentType: string, body: string, deadline: Date | null): Promise<EnvelopeItem[]> {
    const send = async (): Promise<HttpResult> =>
      withRetry(
        async (attempt) => {
          this.sqlCalls++;
          this.lastSendAttempts = attempt;
          return httpExchange(`${this.o.url}/_/sql`, {
            method: "POST",
            headers: { "Content-Type": contentType, Accept: "application/json", Authorization: await this.authorization(deadline) },
            body,
            timeoutMs: Math.min(this.o.timeoutMs ?? 30000, deadline ? Math.max(1000, deadline.getTime() - Date.now()) : Infinity),
            what: "ORDS REST-enabled SQL",
          });
        },
        {
          deadline,
          policy: this.o.retry,
          onRetry: (r) => this.o.log.warn({ attempt: r.attempt, delayMs: r.delayMs, reason: r.reason }, "retrying ORDS call"),
        },
      );
    let res = await send();
    if (res.status === 401 && this.o.auth.kind === "oauth") {
      // The cached token may have expired or been revoked early: one fresh token, one more try.
      this.o.auth.tokens.invalidate();
      res = await send();
    }
    if (res.status === 401 || res.status === 403) {
      throw new OrdsError(`ORDS at ${this.host} refused the credentials (${res.status})`, res.status);
    }
    if (res.status === 404) {
      throw new OrdsError(`ORDS at ${this.host} has no REST-enabled SQL at ${new URL(this.o.url).pathname}/_/sql (404): check ORDS_URL`, 404);
    }
    if (res.status !== 200) throw new OrdsError(`ORDS at ${this.host} answered ${res.status}`, res.status);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.text);
    } catch {
      throw new OrdsError(`ORDS at ${this.host} sent a reply that is not JSON`, res.status);
    }
    const items = parseEnvelope(parsed);
    if (!items) throw new OrdsError(`ORDS at ${this.host} sent a reply without statement items`, res.status);
    return items;
  }

  /**
   * Runs statements as one script, one call. By default the script stops at the first failing statement;
   * later statements are reported notRun. `continue`: every statement runs and gets its own outcome.
   */
  async script(sqls: readonly string[], deadline: Date | null, o: { onError?: "exit" | "continue" } = {}): Promise<StatementOutcome[]> {
    if (sqls.length === 0) return [];
    const onError = o.onError ?? "exit";
    const head = preamble(onError);
    const items = await this.post("application/sql", [...head, ...sqls].map((s) => `${s};\n`).join(""), deadline);
    for (const item of items.slice(0, head.length)) {
      const error = itemError(item);
      // A service that does not honour these would run past a failure or substitute &names: refuse to go on.
      if (error) throw new OrdsError(`ORDS at ${this.host} did not accept the script preamble (${error.message})`, 200);
    }
    const body = items.slice(head.length);
    const outcomes: StatementOutcome[] = [];
    let stopped = false;
    for (let i = 0; i < sqls.length; i++) {
      const item = body[i];
      if (stopped || !item) {
        if (onError === "continue" || !stopped) throw new OrdsError(`ORDS at ${this.host} answered ${body.length} items for ${sqls.length} statements`, 200);
        outcomes.push({ ok: false, notRun: true });
        continue;
      }
      const error = itemError(item);
      outcomes.push(error ? { ok: false, error } : { ok: true });
      if (error && onError === "exit") stopped = true;
    }
    if (stopped && body.length > outcomes.findIndex((x) => !x.ok) + 1) {
      throw new OrdsError(`ORDS at ${this.host} ran statements after a failing one despite WHENEVER SQLERROR EXIT`, 200);
    }
    return outcomes;
  }

  /** One or more queries sharing binds, one call; a failing query throws its ORA- error. */
  async queries(sqls: readonly string[], binds: Bind[], deadline: Date | null, page?: { offset: number; limit: number }): Promise<QueryResult[]> {
    const body = JSON.stringify({ statementText: sqls.join(";\n"), binds, ...page });
    const items = await this.post("application/json", body, deadline);
    if (items.length !== sqls.length) {
      throw new OrdsError(`ORDS at ${this.host} answered ${items.length} items for ${sqls.length} queries`, 200);
    }
    return items.map((item) => {
      const error = itemError(item);
      if (error) throw error;
      return { rows: item.resultSet?.items ?? [], hasMore: item.resultSet?.hasMore ?? false };
    });
  }
}

export { OraError };
