import { createHash } from "node:crypto";
import type { Logger } from "../../log/logger";
import { TokenError, TokenSource, type ClientCredentials } from "../../oauth/token-source";
import { TransientError } from "../../net/retry";
import { parseSecretJson, SecretError, type SecretReader } from "../../secrets";
import type { ConnectedSystem } from "../config";
import { GovernanceError } from "../errors";
import { basicSecret, clientSecret } from "./secrets";
import { proxyAgent } from "./proxy-agent";

/** Produces the Authorization header value for one connected system. */
export interface Authorizer {
  header(deadline: Date | null): Promise<string>;
}

export interface AuthorizerDeps {
  secrets: SecretReader;
  /** Upper bound on a token's reuse (the cache TTL); 0 leaves it to expires_in. */
  ttlSeconds: number;
  log: Logger;
  /** Token sources shared by every authorizer of one configuration, so warm invocations reuse tokens. */
  tokens: Map<string, TokenSource>;
}

/**
 * Access Governance caches a request template, token included, for its request/test cache TTL and then runs
 * requests with it; the README recommends TTLs of at most 10 minutes. 15 minutes left on every token handed
 * out covers that cache plus a request started just before it expires (read timeout, the 300 s function
 * limit) and clock skew. Identity-domain, ORDS and Entra tokens live 60 minutes or more by default.
 */
export const TOKEN_MIN_REMAINING_SECONDS = 900;

const IDCS_SCOPE = "urn:opc:idm:__myscopes__";
const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

/** The OAuth grant a system's auth config describes, minus the client id and secret (those come from Vault). */
function grantFor(system: ConnectedSystem): (Omit<ClientCredentials, "clientId" | "clientSecret" | "agent"> & { proxy?: string }) | undefined {
  const a = system.auth;
  const url = (host: string, path: string) => `${system.scheme}://${host}${path}`;
  switch (a.type) {
    case "basic":
      return undefined;
    case "idcs":
      return { tokenUrl: url(a.tokenHost ?? system.host, a.tokenPath ?? "/oauth2/v1/token"), scope: a.scope ?? IDCS_SCOPE, clientAuth: "basic" };
    case "ords":
      return { tokenUrl: url(a.tokenHost ?? system.host, a.tokenPath ?? `${system.basePath ?? ""}/oauth/token`), clientAuth: "basic" };
    case "entra":
      return {
        tokenUrl: url(a.tokenHost ?? "login.microsoftonline.com", a.tokenPath),
        scope: a.scope ?? GRAPH_SCOPE,
        clientAuth: "body",
        extraForm: a.grantType ? { grant_type: a.grantType } : undefined,
        proxy: a.proxy,
      };
  }
}

/** Turns credential-source failures into replies that name the system and never a secret. */
function explain(system: ConnectedSystem, err: unknown): GovernanceError {
  const prefix = `connected system ${system.name}`;
  if (err instanceof SecretError) return new GovernanceError(502, "secret_unavailable", `${prefix}: ${err.message}`);
  if (err instanceof TokenError) return new GovernanceError(502, "token_refused", `${prefix}: ${err.message}`);
  if (err instanceof TransientError) return new GovernanceError(503, "token_unavailable", `${prefix}: ${err.message}`);
  return new GovernanceError(500, "credentials_failed", `${prefix}: credentials could not be prepared (${err instanceof Error ? err.name : "error"})`);
}

export function createAuthorizer(system: ConnectedSystem, deps: AuthorizerDeps): Authorizer {
  const what = "Vault secret";
  const grant = grantFor(system);
  return {
    async header(deadline) {
      try {
        const text = await deps.secrets.read(system.auth.secret);
        if (!grant) {
          const c = parseSecretJson(text, basicSecret, what);
          return `Basic ${Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64")}`;
        }
        const c = parseSecretJson(text, clientSecret, what);
        // Keyed by a digest of the credentials, so a rotated secret gets a new token source at once.
        const key = createHash("sha256").update(JSON.stringify([grant.tokenUrl, grant.scope, grant.extraForm, grant.proxy, c.clientId, c.clientSecret])).digest("hex");
        const { proxy, ...how } = grant;
        // Before the look-up: no await between finding no source and storing the new one.
        const agent = proxy ? await proxyAgent(proxy) : undefined;
        let source = deps.tokens.get(key);
        if (!source) {
          source = new TokenSource({ ...how, ...c, agent }, { maxLifetimeSeconds: deps.ttlSeconds || undefined, minRemainingSeconds: TOKEN_MIN_REMAINING_SECONDS });
          deps.tokens.set(key, source);
          deps.log.debug({ system: system.name, tokenHost: new URL(grant.tokenUrl).host }, "new OAuth token source");
        }
        return `Bearer ${await source.get(deadline)}`;
      } catch (err) {
        throw explain(system, err);
      }
    },
  };
}
