import type { Agent } from "node:http";
import type { Logger } from "../../log/logger";
import { httpExchange } from "../../net/http";
import type { ConnectedSystem } from "../config";
import type { Authorizer } from "../credentials/authorizer";
import { proxyAgent } from "../credentials/proxy-agent";
import { GovernanceError } from "../errors";
import { DiscoveryError, type CustomAttribute, type DiscoveryFetch, type DiscoveryProfile } from "./custom-attribute";
import { TransientError } from "../../net/retry";

/** One connected system's custom identity attributes, fetched at most once per TTL. */
export interface CustomAttributeSource {
  /** The attributes to merge, or undefined when discovery failed (the caller serves the static templates). */
  get(deadline: Date | null): Promise<readonly CustomAttribute[] | undefined>;
}

export interface CustomAttributeSourceDeps {
  system: ConnectedSystem;
  profile: DiscoveryProfile;
  authorizer: Authorizer;
  log: Logger;
  /** How long an answer is reused (0: ask every time); a failure is remembered for at most a minute. */
  ttlSeconds: number;
  /** Names the static identity class already has: a custom attribute of the same name is left out. */
  reserved: ReadonlySet<string>;
  now?: () => number;
}

/** Discovery must not hold up the template: a slow target costs at most this, then the static schema is served. */
export const DISCOVERY_TIMEOUT_MS = 5000;
const FAILURE_TTL_SECONDS = 60;

function reasonOf(err: unknown): string {
  if (err instanceof DiscoveryError || err instanceof TransientError || err instanceof GovernanceError) return err.message;
  return `unexpected ${err instanceof Error ? err.name : "error"}`;
}

export function createCustomAttributeSource(d: CustomAttributeSourceDeps): CustomAttributeSource {
  const now = d.now ?? Date.now;
  const base = `${d.system.scheme}://${d.system.host}${d.system.basePath ?? ""}`;
  let cached: { until: number; value: readonly CustomAttribute[] | undefined } | undefined;
  let inflight: Promise<readonly CustomAttribute[] | undefined> | undefined;

  async function discover(deadline: Date | null): Promise<readonly CustomAttribute[] | undefined> {
    const where = { system: d.system.name, application: d.system.application };
    try {
      const left = deadline ? deadline.getTime() - now() - 1000 : DISCOVERY_TIMEOUT_MS;
      const timeoutMs = Math.min(DISCOVERY_TIMEOUT_MS, left);
      if (timeoutMs < 500) throw new DiscoveryError("too little time left before the invocation's deadline");
      const auth = d.system.auth;
      const agent: Agent | undefined = auth.type === "entra" && auth.proxy ? await proxyAgent(auth.proxy) : undefined;
      const fetch: DiscoveryFetch = async (method, path, body) => {
        const res = await httpExchange(base + path, {
          method,
          headers: { Authorization: await d.authorizer.header(deadline), Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          timeoutMs,
          what: `custom attribute discovery (${method} ${path.split("?")[0]})`,
          agent,
        });
        if (res.status !== 200) throw new DiscoveryError(`${method} ${path.split("?")[0]} answered ${res.status}`);
        try {
          return JSON.parse(res.text) as unknown;
        } catch {
          throw new DiscoveryError(`${method} ${path.split("?")[0]} answered something that is not JSON`);
        }
      };
      const found = await d.profile.discover(fetch);
      const clashing = found.filter((a) => d.reserved.has(a.name)).map((a) => a.name);
      const kept = found.filter((a) => !d.reserved.has(a.name));
      d.log.info({ ...where, attributes: kept.map((a) => a.name), ...(clashing.length ? { leftOut: clashing } : {}) }, "custom identity attributes discovered");
      return kept;
    } catch (err) {
      d.log.warn({ ...where, reason: reasonOf(err) }, "custom attribute discovery failed; serving the static schema");
      return undefined;
    }
  }

  return {
    async get(deadline) {
      if (cached && cached.until > now()) return cached.value;
      inflight ??= discover(deadline)
        .then((value) => {
          const ttl = value === undefined ? Math.min(FAILURE_TTL_SECONDS, d.ttlSeconds) : d.ttlSeconds;
          cached = ttl > 0 ? { until: now() + ttl * 1000, value } : undefined;
          return value;
        })
        .finally(() => (inflight = undefined));
      return inflight;
    },
  };
}
