import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigFileAuthenticationDetailsProvider } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import { emptyBucket } from "../../infra/scripts/empty-bucket";

/**
 * The four Object Storage calls the destroy-time emptier makes (list/delete objects, list/abort multipart
 * uploads), over real HTTP on loopback with the SDK's own paging; signatures are checked for presence and keyId.
 */
function objectStorage(buckets: Map<string, { objects: Set<string>; uploads: Map<string, string> }>) {
  const keyIds = new Set<string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const keyId = /keyId="([^"]+)"/.exec(req.headers.authorization ?? "")?.[1];
    if (keyId) keyIds.add(keyId);
    const json = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const m = /^\/n\/([^/]+)\/b\/([^/]+)\/(o|u)(?:\/(.+))?$/.exec(url.pathname);
    const bucket = m ? buckets.get(m[2]) : undefined;
    if (!keyId) return json(401, { code: "NotAuthenticated", message: "unsigned" });
    if (!m || !bucket) return json(404, { code: "BucketNotFound", message: "no such bucket" });
    const [, , , kind, rawName] = m;
    const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
    if (kind === "o" && req.method === "GET" && name === undefined) {
      const limit = Number(url.searchParams.get("limit") ?? 1000);
      const start = url.searchParams.get("start") ?? "";
      const sorted = [...bucket.objects].sort().filter((n) => n >= start);
      const page = sorted.slice(0, limit);
      return json(200, { objects: page.map((n) => ({ name: n })), nextStartWith: sorted[limit] });
    }
    if (kind === "o" && req.method === "DELETE" && name !== undefined) {
      if (!bucket.objects.delete(name)) return json(404, { code: "ObjectNotFound", message: name });
      return json(204);
    }
    if (kind === "u" && req.method === "GET" && name === undefined) {
      return json(
        200,
        [...bucket.uploads].map(([object, uploadId]) => ({ namespace: m[1], bucket: m[2], object, uploadId, timeCreated: new Date().toISOString() })),
      );
    }
    if (kind === "u" && req.method === "DELETE" && name !== undefined) {
      if (bucket.uploads.get(name) !== url.searchParams.get("uploadId")) return json(404, { code: "NoSuchUpload", message: name });
      bucket.uploads.delete(name);
      return json(204);
    }
    json(400, { code: "Unsupported", message: `${req.method} ${url.pathname}` });
  });
  return { server, keyIds };
}

function apiKeyClient(endpoint: string): ObjectStorageClient {
  const dir = mkdtempSync(join(tmpdir(), "oci-config-"));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(
    join(dir, "config"),
    `[OPS]\nuser=ocid1.user.oc1..aaaaaaaaoperator\nfingerprint=12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0\n` +
      `tenancy=ocid1.tenancy.oc1..aaaaaaaatenancy\nregion=eu-frankfurt-1\nkey_file=${join(dir, "key.pem")}\n`,
  );
  const client = new ObjectStorageClient({
    authenticationDetailsProvider: new ConfigFileAuthenticationDetailsProvider(join(dir, "config"), "OPS"),
  });
  client.endpoint = endpoint;
  return client;
}

describe("audit bucket emptier (destroy-time step)", () => {
  const buckets = new Map<string, { objects: Set<string>; uploads: Map<string, string> }>();
  const { server, keyIds } = objectStorage(buckets);
  let client: ObjectStorageClient;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    client = apiKeyClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("deletes every object across pages and aborts open multipart uploads, signed with the profile's API key", async () => {
    const objects = new Set(Array.from({ length: 1234 }, (_, i) => `audit/2026/11/${String(i).padStart(5, "0")}.json`));
    buckets.set("env-audit", { objects, uploads: new Map([["audit/big.json", "u-1"], ["audit/other.json", "u-2"]]) });
    await expect(emptyBucket(client, "ns1", "env-audit")).resolves.toBe(1234);
    expect(buckets.get("env-audit")).toEqual({ objects: new Set(), uploads: new Map() });
    expect([...keyIds]).toEqual([
      "ocid1.tenancy.oc1..aaaaaaaatenancy/ocid1.user.oc1..aaaaaaaaoperator/12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0",
    ]);
  });

  it("treats a bucket that is already gone as empty, so a repeated destroy passes", async () => {
    await expect(emptyBucket(client, "ns1", "never-created")).resolves.toBe(0);
  });
});
