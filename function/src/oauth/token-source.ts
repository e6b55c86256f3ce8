import type { Agent } from "node:http";
import { z } from "zod";
import { httpExchange } from "../net/http";
import { withRetry, type RetryPolicy } from "../net/retry";

/** An OAuth 2.0 client-credentials grant (ORDS, identity domains, Microsoft Entra). */
export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** basic: client id/secret in the Authorization header (ORDS, IDCS); body: in the form (Entra). */
  clientAuth?: "basic" | "body";
  /** Extra form fields, e.g. a different grant_type. */
  extraForm?: Record<string, string>;
  /** A connection agent (a CONNECT proxy, say); direct connections otherwise. */
  agent?: Agent;
}

const tokenReply = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

/** A failed token request: permanent (bad client) unless wrapped as TransientError by the retry loop. */
export class TokenError extends Error {
  override name = "TokenError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface TokenSourceOptions {
  /** Refresh this many seconds before the token's stated expiry. */
  skewSeconds?: number;
  /** Upper bound on how long a token is reused, whatever expires_in says. */
  maxLifetimeSeconds?: number;
  /**
   * Never hand out a token with less than this many seconds left (replaces skewSeconds); a fresh token whose
   * stated lifetime is shorter is refused, since whoever receives it may keep it that long.
   */
  minRemainingSeconds?: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  now?: () => number;
}

/**
 * Fetches a client-credentials token and caches it until shortly before it expires; concurrent callers share
 * one request. The token and the client secret never appear in an error message.
 */
export class TokenSource {
  private cached: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  /** Number of token requests sent (for reporting remote calls). */
  requests = 0;

  constructor(
    private readonly creds: ClientCredentials,
    private readonly opts: TokenSourceOptions = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Drops the cached token (after a 401 from the resource server). */
  invalidate(): void {
    this.cached = undefined;
  }

  async get(deadline?: Date | null): Promise<string> {
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.token;
    this.inflight ??= this.fetchToken(deadline).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetchToken(deadline?: Date | null): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope, clientAuth = "basic", extraForm = {} } = this.creds;
    const form = new URLSearchParams({ grant_type: "client_credentials", ...extraForm });
    if (scope) form.set("scope", scope);
    const headers: Record<string, string> = {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    };
    if (clientAuth === "basic") {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
      const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    } else {
      form.set("client_id", clientId);
      form.set("client_secret", clientSecret);
    }
    const host = new URL(tokenUrl).host;
    const res = await withRetry(
      async () => {
        this.requests++;
        return httpExchange(tokenUrl, {
          method: "POST",
          headers,
          body: form.toString(),
          timeoutMs: this.opts.timeoutMs ?? 10000,
          what: "OAuth token request",
          agent: this.creds.agent,
        });
      },
      { deadline, policy: this.opts.retry },
    );
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new TokenError(`OAuth token request to ${host} refused (${res.status}): check the client id and secret`, res.status);
    }
    if (res.status !== 200) throw new TokenError(`OAuth token request to ${host} failed (${res.status})`, res.status);
    let parsed: z.infer<typeof tokenReply>;
    try {
      parsed = tokenReply.parse(JSON.parse(res.text));
    } catch {
      throw new TokenError(`OAuth token reply from ${host} is not a token response`, res.status);
    }
    const stated = parsed.expires_in ?? 3600;
    const margin = this.opts.minRemainingSeconds ?? this.opts.skewSeconds ?? 60;
    if (this.opts.minRemainingSeconds !== undefined && stated < margin) {
      throw new TokenError(`OAuth token from ${host} lives ${stated} s, less than the ${margin} s a token handed out must have left`, res.status);
    }
    const reuse = Math.min(stated - margin, this.opts.maxLifetimeSeconds ?? Infinity);
    const expiresAt = this.now() + Math.max(0, reuse) * 1000;
    this.cached = { token: parsed.access_token, expiresAt };
    return parsed.access_token;
  }
}
