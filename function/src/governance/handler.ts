import { createLogger, type Logger } from "../log/logger";
import type { TokenSource } from "../oauth/token-source";
import type { Invocation, Reply } from "../runtime/invocation";
import { createSecretReader } from "../secrets";
import { authorizeRequest } from "./authorize";
import { findSystem, loadGovernanceConfig, type GovernanceConfig } from "./config";
import { createAuthorizer, type Authorizer } from "./credentials/authorizer";
import { createCustomAttributeSource, DISCOVERY_PROFILES, takesCustomAttributes, withCustomAttributes, type CustomAttributeSource } from "./discovery";
import { GovernanceError } from "./errors";
import { isEntityRequest, parseTemplateRequest } from "./input";
import type { TemplateKind } from "./operations";
import { loadTemplate, staticAttributeNames } from "./template-store";

export type TemplateRole = `ag-${TemplateKind}`;

/** Built once per configuration and kept while the function instance is warm (tokens and secrets cached). */
interface Services {
  config: GovernanceConfig;
  log: Logger;
  authorizers: Map<string, Authorizer>;
  /** Per system whose application publishes custom identity attributes (DayN "Fetch Attributes"). */
  customAttributes: Map<string, CustomAttributeSource>;
}

let cached: { key: string; services: Services } | undefined;
/** For failures before the configuration (and its LOG_LEVEL) could be read. */
let fallbackLog: Logger | undefined;

function services(env: Invocation["config"]): Services {
  const key = JSON.stringify([env.AG_SYSTEMS, env.LOG_LEVEL, env.CACHE_TTL_SECONDS, env.OCI_SECRETS_ENDPOINT, env.AG_DISCOVERY_TTL_SECONDS]);
  if (cached?.key === key) return cached.services;
  const config = loadGovernanceConfig(env);
  const log = createLogger(config.LOG_LEVEL);
  const secrets = createSecretReader({ endpoint: config.OCI_SECRETS_ENDPOINT, ttlSeconds: config.CACHE_TTL_SECONDS, log });
  const tokens = new Map<string, TokenSource>();
  const authorizers = new Map(
    config.systems.map((s) => [s.name, createAuthorizer(s, { secrets, ttlSeconds: config.CACHE_TTL_SECONDS, log, tokens })] as const),
  );
  const customAttributes = new Map<string, CustomAttributeSource>();
  for (const system of config.systems) {
    const profile = DISCOVERY_PROFILES[system.application];
    if (!profile) continue;
    const authorizer = authorizers.get(system.name) as Authorizer;
    const reserved = staticAttributeNames(system.application, profile.identityEntity);
    customAttributes.set(system.name, createCustomAttributeSource({ system, profile, authorizer, log, ttlSeconds: config.AG_DISCOVERY_TTL_SECONDS, reserved }));
  }
  cached = { key, services: { config, log, authorizers, customAttributes } };
  return cached.services;
}

/**
 * One of the four Access Governance template functions: finds the connected system, loads the template
 * for the kind (and entity/operation), and for request and test templates points it at the system with a
 * fresh Authorization value. The success body is the template itself.
 */
export async function handleTemplateInvocation(role: TemplateRole, inv: Invocation): Promise<Reply> {
  const kind = role.slice("ag-".length) as TemplateKind;
  let log: Logger | undefined;
  try {
    const svc = services(inv.config);
    log = svc.log.child({ callId: inv.callId, fn: role });
    const req = parseTemplateRequest(kind, inv.body);
    const system = findSystem(svc.config, req.system);
    const loaded = loadTemplate(req, system.application);
    const { path } = loaded;
    let { template } = loaded;
    const where = isEntityRequest(req) ? { entity: req.entity, operation: req.operation, child: req.childAttribute } : {};
    const profile = DISCOVERY_PROFILES[system.application];
    if (profile && takesCustomAttributes(req, profile)) {
      // A failed discovery is logged by the source; the static template is served as it is.
      const found = await (svc.customAttributes.get(system.name) as CustomAttributeSource).get(inv.deadline);
      if (found) template = withCustomAttributes(req, template, profile, found);
    }
    let body = template;
    if (kind === "request" || kind === "test") {
      const authorization = await (svc.authorizers.get(system.name) as Authorizer).header(inv.deadline);
      body = authorizeRequest(template, system, authorization, `templates/${path}`);
    }
    log.info({ system: system.name, application: system.application, ...where, template: path }, "template served");
    return { status: 200, body };
  } catch (caught) {
    // Anything unexpected is reported by name only: its message might quote data we did not vet.
    const err =
      caught instanceof GovernanceError
        ? caught
        : new GovernanceError(500, "internal_error", `template function failed (${caught instanceof Error ? caught.name : "error"})`);
    (log ?? (fallbackLog ??= createLogger("info")).child({ callId: inv.callId, fn: role })).warn({ error: err.code, status: err.status }, err.message);
    return { status: err.status, body: { error: err.code, message: err.message } };
  }
}
