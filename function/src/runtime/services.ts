import { createAuditSink, type AuditSink } from "../audit";
import { loadConfig, type ProvisionConfig } from "../config/load";
import { createLogger, type Logger } from "../log/logger";
import { TokenSource } from "../oauth/token-source";
import type { OrdsClient } from "../ords/client";
import { ordsClientFromSecret } from "../ords/from-secret";
import { createUserStateReader, type UserStateReader } from "../identity/user-state";
import { rolePolicyFor, type RolePolicy } from "../policy/roles";
import { createSecretReader, type SecretReader } from "../secrets";


/** Everything an invocation needs that outlives it: built once per configuration, reused while warm. */
export interface Services {
  config: ProvisionConfig;
  log: Logger;
  secrets: SecretReader;
  /** The user's current state, read fresh for every sync (never cached across the change an event announces). */
  reader: UserStateReader;
  /** Mapped roles' transitive check, verdicts cached for at most a minute. */
  roles: RolePolicy;
  audit?: AuditSink;
  /** An ORDS client with current credentials (secret re-read once its cache lifetime ends). */
  ords(): Promise<OrdsClient>;
  /** Remote calls so far, by kind, for the per-event report. */
  calls(): Record<string, number>;
}

let cached: { env: Readonly<Record<string, string | undefined>>; key: string; services: Services } | undefined;

function build(config: ProvisionConfig): Services {
  const log = createLogger(config.LOG_LEVEL);
  const secrets = createSecretReader({ endpoint: config.OCI_SECRETS_ENDPOINT, ttlSeconds: config.CACHE_TTL_SECONDS, log });
  const region = process.env.OCI_RESOURCE_PRINCIPAL_REGION ?? "";
  const reader = createUserStateReader({
    domainUrl: config.IDENTITY_DOMAIN_URL,
    iamEndpoint: config.OCI_IDENTITY_ENDPOINT ?? `https://identity.${region}.oci.oraclecloud.com`,
    log,
    groupTtlMs: Math.min(config.CACHE_TTL_SECONDS, 60) * 1000,
  });
  const roles = rolePolicyFor(config);
  const audit = config.AUDIT_BUCKET
    ? createAuditSink({ bucket: config.AUDIT_BUCKET, namespace: config.AUDIT_NAMESPACE, endpoint: config.OCI_OBJECTSTORAGE_ENDPOINT, log })
    : undefined;
  // Token sources live as long as the process, keyed by client id, so a warm function reuses its token.
  const tokens = new Map<string, TokenSource>();
  let client: { secretText: string; ords: OrdsClient } | undefined;
  let sqlCallsOfOldClients = 0;

  return {
    config,
    log,
    secrets,
    reader,
    roles,
    audit,
    async ords() {
      const text = await secrets.read(config.ORDS_SECRET_OCID);
      if (client?.secretText === text) return client.ords;
      sqlCallsOfOldClients += client?.ords.sqlCalls ?? 0;
      const ords = ordsClientFromSecret(text, config, log, (clientId, make) => {
        let source = tokens.get(clientId);
        if (!source) tokens.set(clientId, (source = make()));
        return source;
      });
      client = { secretText: text, ords };
      return ords;
    },
    calls() {
      return {
        oauthToken: [...tokens.values()].reduce((n, t) => n + t.requests, 0),
        ordsSql: sqlCallsOfOldClients + (client?.ords.sqlCalls ?? 0),
        identity: reader.calls,
      };
    },
  };
}

/** The services for this configuration; a changed configuration (redeploy) builds new ones. */
export function servicesFor(env: Readonly<Record<string, string | undefined>>): Services {
  // The same config object (main.ts hands every invocation the one it read) needs no comparing.
  if (cached?.env === env) return cached.services;
  const key = JSON.stringify(Object.keys(env).sort().map((k) => [k, env[k]]));
  if (cached?.key !== key) cached = { env, key, services: build(loadConfig(env)) };
  else cached.env = env;
  return cached.services;
}
