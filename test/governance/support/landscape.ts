import { readFileSync } from "node:fs";
import { join } from "node:path";
import { replyBody, startFunction, type FnReply, type RunningFunction } from "../../support/fdk-harness";
import { ROOT } from "../../support/paths";
import { startOciServer, type OciServer } from "../../servers/oci/server";
import { startOrdsServer, type OrdsServer } from "../../servers/ords";
import { startGraphServer, type GraphServer } from "../../servers/graph/server";
import { startScimServer, type ScimServer } from "../../servers/scim";
import { AG_ALIAS, AG_CLIENT, AG_SCHEMA, setUpAgSchema } from "../../support/ag-schema";
import { startConnectProxy, type ConnectProxy } from "./connect-proxy";
import { startEntraTokenServer, type EntraTokenServer } from "./entra-token-server";

export const TEMPLATES = join(ROOT, "templates");
export const readTemplate = (rel: string): Record<string, unknown> => JSON.parse(readFileSync(join(TEMPLATES, rel), "utf8")) as Record<string, unknown>;

/** Credentials as they sit in Vault; every value is distinctive so a leak is easy to spot in output. */
export const CREDS = {
  idcs: { clientCode: "ag-idcs-client", clientSecret: "IdcsSecret-7f3a9c" },
  entra: { clientId: "ag-entra-app", clientSecret: "EntraSecret~4b8d2e" },
  /** The least-privilege schema's own OAuth client (README: never the provisioning function's ADMIN client). */
  ords: { clientId: AG_CLIENT.clientId, clientSecret: AG_CLIENT.clientSecret },
  basic: { username: "svc-governance", password: "BasicPassw0rd#91" },
  /** A DBA who prefers a database password gives the AG schema one (ALTER USER … IDENTIFIED BY). */
  ordsBasic: { username: AG_SCHEMA, password: "AgSchemaPassw0rd#7" },
} as const;

export const SECRET = {
  idcs: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaidcsclient",
  entra: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaentraclient",
  ords: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaordsclient",
  basic: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaabasicuser",
  ordsBasic: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaordsadmin",
  missing: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaanotthere",
} as const;

export const TENANT = "0e3b5a3c-tenant";

/** Every secret value a test must never find in a log line or an error reply. */
export const SECRET_VALUES = [CREDS.idcs.clientSecret, CREDS.entra.clientSecret, CREDS.ords.clientSecret, CREDS.basic.password, CREDS.ordsBasic.password];

export interface Landscape {
  oci: OciServer;
  scim: ScimServer;
  ords: OrdsServer;
  entra: EntraTokenServer;
  /** Microsoft Graph stand-in: accepts the tokens the Entra token server issued. */
  graph: GraphServer;
  proxy: ConnectProxy;
  /** The AG_SYSTEMS value pointing at all of the above. */
  systems: Record<string, unknown>[];
  /** Function config (env) for one role, with overrides. */
  config(role: string, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startLandscape(o: { scimTokenTtlSeconds?: number } = {}): Promise<Landscape> {
  const oci = await startOciServer();
  const scim = await startScimServer({
    clients: [{ clientId: CREDS.idcs.clientCode, clientSecret: CREDS.idcs.clientSecret }],
    tokenTtlSeconds: o.scimTokenTtlSeconds,
  });
  const ords = await startOrdsServer();
  // The adb systems use Access Governance's least-privilege schema, set up as the README says.
  await setUpAgSchema(ords);
  ords.db.ddlAlterUser(AG_SCHEMA, [{ k: "password", password: CREDS.ordsBasic.password }]);
  const entra = await startEntraTokenServer({ tenant: TENANT, ...CREDS.entra });
  const graph = await startGraphServer({ token: (t) => entra.issued.includes(t) });
  const proxy = await startConnectProxy();
  for (const k of ["idcs", "entra", "ords", "basic", "ordsBasic"] as const) oci.secrets.set(SECRET[k], JSON.stringify(CREDS[k]));
  const ordsHost = new URL(ords.url).host;
  const systems = [
    { name: "IdentityDomain", application: "idcs", scheme: "http", host: scim.host, auth: { type: "idcs", secret: SECRET.idcs } },
    {
      name: "EntraID",
      application: "azuread",
      scheme: "http",
      host: graph.host,
      auth: { type: "entra", secret: SECRET.entra, tokenHost: entra.host, tokenPath: `/${TENANT}/oauth2/v2.0/token`, proxy: proxy.url },
    },
    { name: "AutonomousDB", application: "adb", scheme: "http", host: ordsHost, basePath: `/ords/${AG_ALIAS}`, auth: { type: "ords", secret: SECRET.ords } },
    { name: "AutonomousDBBasic", application: "adb", scheme: "http", host: ordsHost, basePath: `/ords/${AG_ALIAS}`, auth: { type: "basic", secret: SECRET.ordsBasic } },
    { name: "DomainWithBasic", application: "idcs", scheme: "https", host: "idcs-basic.example.test", auth: { type: "basic", secret: SECRET.basic } },
    { name: "NoSuchSecret", application: "idcs", host: "idcs-x.example.test", auth: { type: "basic", secret: SECRET.missing } },
  ];
  return {
    oci,
    scim,
    ords,
    entra,
    graph,
    proxy,
    systems,
    config: (role, extra = {}) => ({
      ...oci.env,
      FUNCTION_ROLE: role,
      AG_SYSTEMS: JSON.stringify(systems),
      OCI_SECRETS_ENDPOINT: oci.url,
      LOG_LEVEL: "debug",
      ...extra,
    }),
    close: async () => {
      await Promise.all([oci.close(), scim.close(), ords.close(), entra.close(), graph.close(), proxy.close()]);
    },
  };
}

/** Starts the bundled function for one role; the caller stops it. */
export function startRole(l: Landscape, role: string, extra?: Record<string, string>): Promise<RunningFunction> {
  return startFunction(l.config(role, extra));
}

/** The JSON our handler wrote for a failure: main.ts throws it, the fdk carries it as `detail` of its 502 body. */
export function errorOf(reply: FnReply): { error: string; message: string } {
  if (reply.status !== 502) throw new Error(`not a handler failure (${reply.status}): ${reply.body.slice(0, 300)}`);
  return replyBody(reply) as { error: string; message: string };
}
