import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createResourcePrincipal, type ResourcePrincipal } from "./resource-principal";
import { ociError, ociRoutes, type Reply } from "./routes";
import { verifyRequest } from "./signature";
import { Faults, IdentityStore, ObjectStore, SecretStore, Stats } from "./state";

/** OCI error codes for injected statuses (the SDK puts them in OciError.serviceCode). */
const FAULT_CODES: Record<number, string> = {
  400: "InvalidParameter",
  401: "NotAuthenticated",
  403: "NotAuthorized",
  404: "NotAuthorizedOrNotFound",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

export interface OciServer {
  /** http://127.0.0.1:<port>; serves Vault secrets, Object Storage, IAM and identity domain SCIM. */
  url: string;
  /** Resource principal env (OCI_RESOURCE_PRINCIPAL_*) whose signatures this server accepts. */
  env: Record<string, string>;
  /** Function config entries that point every OCI client at this server. */
  endpoints: Record<"OCI_SECRETS_ENDPOINT" | "OCI_OBJECTSTORAGE_ENDPOINT" | "OCI_IDENTITY_ENDPOINT" | "IDENTITY_DOMAIN_URL", string>;
  principal: ResourcePrincipal;
  secrets: SecretStore;
  objects: ObjectStore;
  identity: IdentityStore;
  faults: Faults;
  stats: Stats;
  close(): Promise<void>;
}

export interface OciServerOptions {
  namespace?: string;
  /** Buckets that exist from the start. */
  buckets?: string[];
  port?: number;
}

/**
 * One loopback HTTP server for the OCI APIs the function calls. Every request must carry a valid resource
 * principal signature (401 NotAuthenticated otherwise); queued faults then apply; then the API answers from
 * in-memory state with the paths, JSON shapes and status codes of the real services.
 */
export async function startOciServer(o: OciServerOptions = {}): Promise<OciServer> {
  const principal = createResourcePrincipal();
  const secrets = new SecretStore();
  const objects = new ObjectStore(o.namespace ?? "localns");
  for (const b of o.buckets ?? ["iam-adb-sync-audit"]) objects.createBucket(b);
  const identity = new IdentityStore();
  const faults = new Faults();
  const stats = new Stats();
  const routes = ociRoutes({ secrets, objects, identity, tenancyId: principal.tenancyId });

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    const method = req.method ?? "GET";
    const candidates = routes.filter((r) => r.path.test(url.pathname));
    const route = candidates.find((r) => r.method === method);
    const headers = { ...req.headers };
    delete headers.authorization;
    const record = (op: string, status: number) => stats.requests.push({ op, method, path: url.pathname + url.search, status, headers });
    const send = (op: string, reply: Reply) => {
      record(op, reply.status);
      const payload = reply.json === undefined ? "" : JSON.stringify(reply.json);
      res.writeHead(reply.status, {
        "opc-request-id": randomUUID(),
        ...(payload ? { "content-type": "application/json" } : {}),
        ...reply.headers,
      });
      res.end(payload);
    };

    const verdict = verifyRequest(req, body, principal.issuerPublicKey, { bodySigned: route?.bodySigned ?? true });
    if (!verdict.ok) {
      stats.unauthorized++;
      return send(route?.op ?? "unknown", ociError(401, "NotAuthenticated", `The required information to complete authentication was not provided or was incorrect (${verdict.reason}).`));
    }
    const fault = faults.take(url.pathname);
    if (fault?.drop) {
      record(route?.op ?? "unknown", 0);
      return req.socket.destroy();
    }
    if (fault?.loseReply && route) {
      const reply = route.handle(url.pathname.match(route.path)!, { req, body, url });
      record(route.op, reply.status);
      return req.socket.destroy();
    }
    if (fault && "json" in fault) return send(route?.op ?? "unknown", { status: fault.status, json: fault.json });
    if (fault) return send(route?.op ?? "unknown", ociError(fault.status, FAULT_CODES[fault.status] ?? "InjectedFault", `injected fault ${fault.status}`));
    if (!route) {
      return send("unknown", candidates.length ? ociError(405, "MethodNotAllowed", `${method} is not allowed here`) : ociError(404, "NotFound", "No such API path"));
    }
    send(route.op, route.handle(url.pathname.match(route.path)!, { req, body, url }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: principal.env,
    endpoints: { OCI_SECRETS_ENDPOINT: url, OCI_OBJECTSTORAGE_ENDPOINT: url, OCI_IDENTITY_ENDPOINT: url, IDENTITY_DOMAIN_URL: url },
    principal,
    secrets,
    objects,
    identity,
    faults,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
