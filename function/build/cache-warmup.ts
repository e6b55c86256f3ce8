/**
 * What the code-cache runs (bundle.ts) feed the function before it writes a script's code cache, so that the
 * functions a first real event runs are in the cache too, not only those of start-up: a configured
 * provisioning function (throw-away resource principal, every endpoint on one loopback server of the build)
 * gets an event it ignores, then a createuser event. The server refuses every call (404
 * NotAuthorizedOrNotFound, permanent, so nothing retries): the event goes through config, services, the
 * resource principal, request signing, the Vault client and the failure reply. Nothing leaves loopback and no
 * real credential is involved. A role chunk's run is the same process started as that role: it loads the
 * chunk and answers the same events with the role's own reply (a config refusal, as the build configures no
 * reconcile or template target), so that chunk's cache holds its start-up and first-reply path.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";

const b64url = (data: string) => Buffer.from(data).toString("base64url");

/** RP v2.2 variables with a fresh session key and an unsigned token carrying the claims the SDK reads. */
function throwAwayPrincipal(): Record<string, string> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: "code-cache-build", exp: now + 600, iat: now, jti: randomUUID(), res_tenant: "ocid1.tenancy.oc1..build", res_compartment: "ocid1.compartment.oc1..build" };
  return {
    OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
    OCI_RESOURCE_PRINCIPAL_RPST: `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.${b64url("unsigned")}`,
    OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    OCI_RESOURCE_PRINCIPAL_REGION: "eu-frankfurt-1",
  };
}

export interface CacheWarmup {
  /** Environment for the function process: fdk listener settings are added by the caller. */
  env: Record<string, string>;
  /** Sends the warm-up events over the fdk socket; resolves once both were answered (whatever the status). */
  run(socket: string): Promise<void>;
  close(): Promise<void>;
}

const EVENTS = resolve(__dirname, "../../examples/events");
const event = (name: string) => readFileSync(resolve(EVENTS, `${name}.json`), "utf8");

function invoke(socket: string, body: string): Promise<void> {
  return new Promise((done, fail) => {
    const req = request(
      { socketPath: socket, path: "/call", method: "POST", headers: { "Content-Type": "application/json", "Fn-Call-Id": `cache-${randomUUID()}`, "Fn-Deadline": new Date(Date.now() + 30_000).toISOString() } },
      (res) => {
        res.resume();
        res.on("end", () => done());
      },
    );
    req.on("error", fail);
    req.end(body);
  });
}

export async function startCacheWarmup(): Promise<CacheWarmup> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(404, { "content-type": "application/json", "opc-request-id": randomUUID() });
      res.end(JSON.stringify({ code: "NotAuthorizedOrNotFound", message: "code-cache build: every call is refused" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      ...throwAwayPrincipal(),
      ORDS_URL: `${url}/ords/admin`,
      ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaabuild",
      GROUP_ROLE_MAP: JSON.stringify({ "DB-Readers": ["SALES_READ"] }),
      OCI_SECRETS_ENDPOINT: url,
      OCI_OBJECTSTORAGE_ENDPOINT: url,
      OCI_IDENTITY_ENDPOINT: url,
      IDENTITY_DOMAIN_URL: url,
      AUDIT_BUCKET: "code-cache-build",
      LOG_LEVEL: "info",
    },
    async run(socket) {
      await invoke(socket, event("unrelated-createbucket"));
      await invoke(socket, event("createuser"));
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
