import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigFileAuthenticationDetailsProvider } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import { emptyBucket, type EmptyTarget } from "../../infra/scripts/empty-bucket";

interface StoredBucket {
  id: string;
  compartmentId: string;
  /** Object versions (name, versionId), delete markers included. */
  versions: { name: string; versionId: string; isDeleteMarker: boolean }[];
  uploads: Map<string, string>;
  retentionDays?: number;
  /** Answer 404 NotAuthorizedOrNotFound for this bucket's own calls, as OCI does without bucket rights. */
  hidden?: boolean;
}

const COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaaudit";
const PAGE = 100;

/**
 * The Object Storage calls the destroy-time emptier makes, over real HTTP on loopback with the SDK's own paging
 * (opc-next-page) and request signing; 404 means "not found or not authorized", as in OCI.
 */
function objectStorage(buckets: Map<string, StoredBucket>, listable: Set<string>) {
  const keyIds = new Set<string>();
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const keyId = /keyId="([^"]+)"/.exec(req.headers.authorization ?? "")?.[1];
    if (keyId) keyIds.add(keyId);
    calls.push(`${req.method} ${url.pathname}`);
    const json = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const notFound = () => json(404, { code: "BucketNotFound", message: "Either the bucket does not exist in the namespace or you are not authorized to access it" });
    if (!keyId) return json(401, { code: "NotAuthenticated", message: "unsigned" });
    if (/^\/n\/[^/]+\/b\/?$/.test(url.pathname) && req.method === "GET") {
      if (url.searchParams.get("compartmentId") !== COMPARTMENT) return json(404, { code: "NotAuthorizedOrNotFound", message: "compartment" });
      return json(200, [...listable].sort().map((name) => ({ name, namespace: "ns1", compartmentId: COMPARTMENT })));
    }
    const m = /^\/n\/([^/]+)\/b\/([^/]+)(?:\/(o|u|objectversions|retentionRules)(?:\/(.+))?)?\/?$/.exec(url.pathname);
    const bucket = m ? buckets.get(decodeURIComponent(m[2])) : undefined;
    if (!m || !bucket || bucket.hidden) return notFound();
    const [, , bucketName, kind, rawName] = m;
    const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
    const page = <T>(items: T[]) => {
      const start = Number(url.searchParams.get("page") ?? 0);
      const next = start + PAGE < items.length ? { "opc-next-page": String(start + PAGE) } : undefined;
      return { items: items.slice(start, start + PAGE), headers: next ?? {} };
    };
    if (kind === undefined && req.method === "GET") {
      return json(200, { id: bucket.id, name: bucketName, namespace: m[1], compartmentId: bucket.compartmentId, versioning: "Enabled" });
    }
    if (kind === "retentionRules" && req.method === "GET") {
      const rules = bucket.retentionDays
        ? [{ id: "rr-1", displayName: "audit-records-immutable", duration: { timeAmount: bucket.retentionDays, timeUnit: "DAYS" }, etag: "e", timeCreated: new Date().toISOString(), timeModified: new Date().toISOString() }]
        : [];
      return json(200, { items: rules });
    }
    if (kind === "objectversions" && req.method === "GET") {
      const p = page([...bucket.versions].sort((a, b) => a.name.localeCompare(b.name)));
      return json(200, { items: p.items.map((v) => ({ ...v, size: 1, timeModified: new Date().toISOString() })), prefixes: [] }, p.headers);
    }
    if (kind === "o" && req.method === "DELETE" && name !== undefined) {
      if (bucket.retentionDays) return json(409, { code: "RetentionRuleViolation", message: "retained" });
      const versionId = url.searchParams.get("versionId");
      const i = bucket.versions.findIndex((v) => v.name === name && v.versionId === versionId);
      if (versionId === null || i < 0) return json(404, { code: "ObjectNotFound", message: name });
      bucket.versions.splice(i, 1);
      return json(204);
    }
    if (kind === "u" && req.method === "GET" && name === undefined) {
      return json(200, [...bucket.uploads].map(([object, uploadId]) => ({ namespace: m[1], bucket: bucketName, object, uploadId, timeCreated: new Date().toISOString() })));
    }
    if (kind === "u" && req.method === "DELETE" && name !== undefined) {
      if (bucket.uploads.get(name) !== url.searchParams.get("uploadId")) return json(404, { code: "NoSuchUpload", message: name });
      bucket.uploads.delete(name);
      return json(204);
    }
    json(400, { code: "Unsupported", message: `${req.method} ${url.pathname}` });
  });
  return { server, keyIds, calls };
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

const versionsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `audit/2026/11/${String(Math.floor(i / 2)).padStart(5, "0")}.json`, versionId: `v${i}`, isDeleteMarker: i % 7 === 0 }));

describe("audit bucket emptier (destroy-time step)", () => {
  const buckets = new Map<string, StoredBucket>();
  const listable = new Set<string>();
  const { server, keyIds, calls } = objectStorage(buckets, listable);
  let client: ObjectStorageClient;
  const target = (bucketName: string, bucketId = `ocid1.bucket.oc1..${bucketName}`): EmptyTarget => ({
    namespaceName: "ns1",
    bucketName,
    bucketId,
    compartmentId: COMPARTMENT,
  });
  const add = (name: string, b: Partial<StoredBucket> = {}) => {
    buckets.set(name, { id: `ocid1.bucket.oc1..${name}`, compartmentId: COMPARTMENT, versions: versionsOf(250), uploads: new Map(), ...b });
    listable.add(name);
  };

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    client = apiKeyClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    buckets.clear();
    listable.clear();
    calls.length = 0;
  });

  it("deletes nothing unless the person running destroy names the bucket in IAM_ADB_SYNC_EMPTY_AUDIT_BUCKET", async () => {
    add("env-audit");
    for (const confirmation of [undefined, "", "other-audit", "ENV-AUDIT"]) {
      const r = await emptyBucket(client, target("env-audit"), confirmation);
      expect(r.kind).toBe("kept");
      expect(r.kind === "kept" && r.reason).toContain("IAM_ADB_SYNC_EMPTY_AUDIT_BUCKET=env-audit");
    }
    expect(buckets.get("env-audit")?.versions).toHaveLength(250);
    expect(calls).toEqual([]);
  });

  it("when asked, deletes every object version across pages and aborts open uploads, signed with the profile's key", async () => {
    add("env-audit", { uploads: new Map([["audit/big.json", "u-1"], ["audit/other.json", "u-2"]]) });
    await expect(emptyBucket(client, target("env-audit"), "env-audit")).resolves.toEqual({ kind: "emptied", deletedVersions: 250, abortedUploads: 2 });
    expect(buckets.get("env-audit")).toMatchObject({ versions: [], uploads: new Map() });
    expect([...keyIds]).toEqual([
      "ocid1.tenancy.oc1..aaaaaaaatenancy/ocid1.user.oc1..aaaaaaaaoperator/12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0",
    ]);
  });

  it("counts a bucket as gone only when an authorized listing of its compartment does not show it", async () => {
    await expect(emptyBucket(client, target("never-created"), "never-created")).resolves.toEqual({ kind: "gone" });
    expect(calls).toEqual(["GET /n/ns1/b/never-created", "GET /n/ns1/b"]);
  });

  it("treats 404 on a bucket that is still listed as 'not authorized', and deletes nothing", async () => {
    add("env-audit", { hidden: true });
    await expect(emptyBucket(client, target("env-audit"), "env-audit")).rejects.toThrow(
      "env-audit: Object Storage answered 404 although the bucket is listed in its compartment",
    );
    expect(buckets.get("env-audit")?.versions).toHaveLength(250);
  });

  it("fails instead of guessing when even the compartment listing is refused", async () => {
    await expect(emptyBucket(client, { ...target("never-created"), compartmentId: "ocid1.compartment.oc1..elsewhere" }, "never-created")).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it("refuses a same-named bucket that is not the one this stack created", async () => {
    add("env-audit");
    await expect(emptyBucket(client, target("env-audit", "ocid1.bucket.oc1..older"), "env-audit")).rejects.toThrow(
      "env-audit is ocid1.bucket.oc1..env-audit, not the bucket this stack created (ocid1.bucket.oc1..older); nothing was deleted",
    );
    expect(buckets.get("env-audit")?.versions).toHaveLength(250);
  });

  it("honours a retention rule: deletes nothing and says how to keep the bucket", async () => {
    add("env-audit", { retentionDays: 2555 });
    await expect(emptyBucket(client, target("env-audit"), "env-audit")).rejects.toThrow(
      /has retention rule\(s\) audit-records-immutable \(2555 DAYS\).*--keep-audit; nothing was deleted$/,
    );
    expect(calls.filter((c) => c.startsWith("DELETE"))).toEqual([]);
  });
});
