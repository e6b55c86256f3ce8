import { createAuditSink, redactedJson } from "../../function/src/audit";
import { startOciServer, type OciServer } from "../servers/oci/server";
import { captureLogger, useResourcePrincipal } from "./support";

const BUCKET = "iam-adb-sync-audit";
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

let oci: OciServer;
beforeAll(async () => {
  oci = await startOciServer({ namespace: "tenantns", buckets: [BUCKET] });
  useResourcePrincipal(oci.env);
});
afterAll(() => oci.close());
beforeEach(() => {
  oci.stats.reset();
  oci.faults.clear();
});

const sink = (o: { namespace?: string; bucket?: string } = {}) => {
  const cap = captureLogger();
  return {
    cap,
    s: createAuditSink({ bucket: o.bucket ?? BUCKET, namespace: o.namespace, endpoint: oci.url, log: cap.log, retry: FAST }),
  };
};

describe("audit sink (real ObjectStorageClient, signed requests)", () => {
  it("stores each record as its own JSON object; two records of one event never overwrite each other", async () => {
    const { s } = sink();
    const a = await s.write({ eventId: "evt/0001 x", type: "createuser", outcome: "applied" });
    const b = await s.write({ eventId: "evt/0001 x", type: "createuser", outcome: "duplicate" });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^audit\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z_evt_0001_x_[0-9a-f]{12}\.json$/);
    expect(oci.objects.list(BUCKET)).toEqual([a, b].sort());
    expect(oci.objects.get(BUCKET, a)?.contentType).toBe("application/json");
    expect(JSON.parse(oci.objects.get(BUCKET, b)!.body.toString())).toEqual({ eventId: "evt/0001 x", type: "createuser", outcome: "duplicate" });
    const puts = oci.stats.requests.filter((r) => r.op === "objectstorage.putObject");
    expect(puts.map((r) => r.headers["if-none-match"])).toEqual(["*", "*"]);
  });

  it("looks the namespace up once when not configured", async () => {
    const { s } = sink();
    await s.write({ eventId: "e1" });
    await s.write({ eventId: "e2" });
    expect(oci.stats.count("objectstorage.getNamespace")).toBe(1);
    const { s: configured } = sink({ namespace: "tenantns" });
    await configured.write({ eventId: "e3" });
    expect(oci.stats.count("objectstorage.getNamespace")).toBe(1);
  });

  it("masks secrets that slipped into a record", async () => {
    const { s, cap } = sink({ namespace: "tenantns" });
    const name = await s.write({
      eventId: "e-redact",
      principal: { name: "jane", password: "Sup3r-Secret-1" },
      headers: { Authorization: "Bearer abc.def.ghi" },
      statements: ['CREATE USER "JANE" IDENTIFIED BY "Sup3r-Secret-1" PASSWORD EXPIRE', "GRANT CREATE SESSION TO JANE"],
      note: "called with Basic dXNlcjpwYXNz",
      clientSecret: "zzz-client-secret",
    });
    const stored = oci.objects.get(BUCKET, name)!.body.toString();
    expect(stored).not.toMatch(/Sup3r-Secret-1|abc\.def\.ghi|dXNlcjpwYXNz|zzz-client-secret/);
    expect(JSON.parse(stored)).toMatchObject({
      principal: { name: "jane", password: "[redacted]" },
      headers: { Authorization: "[redacted]" },
      statements: ['CREATE USER "JANE" IDENTIFIED BY "[redacted]" PASSWORD EXPIRE', "GRANT CREATE SESSION TO JANE"],
      note: "called with Basic [redacted]",
    });
    expect(cap.text()).not.toContain("Sup3r");
  });

  it("retries a 503 and writes exactly one object", async () => {
    oci.faults.next({ status: 503, match: "/o/" });
    const { s } = sink({ namespace: "tenantns" });
    const before = oci.objects.list(BUCKET).length;
    await s.write({ eventId: "e-retry" });
    expect(oci.stats.count("objectstorage.putObject")).toBe(2);
    expect(oci.objects.list(BUCKET).length).toBe(before + 1);
  });

  it("a retry that meets its own earlier, stored attempt (412) counts as stored, not as a failure", async () => {
    oci.faults.next({ loseReply: true, match: "/o/" });
    const { s } = sink({ namespace: "tenantns" });
    const before = oci.objects.list(BUCKET).length;
    const name = await s.write({ eventId: "e-lost-reply" });
    expect(oci.stats.requests.filter((r) => r.op === "objectstorage.putObject").map((r) => r.status)).toEqual([200, 412]);
    expect(oci.objects.list(BUCKET)).toContain(name);
    expect(oci.objects.list(BUCKET).length).toBe(before + 1);
  });

  it("a missing bucket is a permanent, specific error", async () => {
    const { s } = sink({ namespace: "tenantns", bucket: "no-such-bucket" });
    await expect(s.write({ eventId: "e" })).rejects.toThrow("audit bucket no-such-bucket in namespace tenantns: not found or not authorized (404)");
    expect(oci.stats.count("objectstorage.putObject")).toBe(1);
  });

  it("refuses a record without an event id and sends nothing", async () => {
    const { s } = sink({ namespace: "tenantns" });
    await expect(s.write({ eventId: " " })).rejects.toThrow("audit record needs a non-empty eventId");
    expect(oci.stats.requests).toHaveLength(0);
  });
});

describe("Object Storage server semantics", () => {
  it("answers 412 to If-None-Match: * on an existing object (so a record can never be replaced)", async () => {
    const { ObjectStorageClient } = await import("oci-objectstorage");
    const { getAuthProvider } = await import("../../function/src/oci/auth");
    const { NoRetryConfigurationDetails } = await import("oci-common");
    const c = new ObjectStorageClient({ authenticationDetailsProvider: await getAuthProvider() }, { retryConfiguration: NoRetryConfigurationDetails });
    c.endpoint = oci.url;
    const put = () =>
      c.putObject({ namespaceName: "tenantns", bucketName: BUCKET, objectName: "audit/fixed.json", putObjectBody: "{}", ifNoneMatch: "*" });
    await put();
    await expect(put()).rejects.toMatchObject({ statusCode: 412, serviceCode: "IfNoneMatchFailed" });
  });

});

describe("redactedJson", () => {
  it("masks any value under a sensitive key (flags and null excepted) at any depth, and leaves the rest", () => {
    const record = { tokenCount: 3, passwordExpired: true, user: "a", n: null, list: [1, "x", { apiKey: { id: "k" } }], at: new Date(0), deep: { a: { b: { credential: "c" } } } };
    expect(JSON.parse(redactedJson(record))).toEqual({
      tokenCount: "[redacted]",
      passwordExpired: true,
      user: "a",
      n: null,
      list: [1, "x", { apiKey: "[redacted]" }],
      at: "1970-01-01T00:00:00.000Z",
      deep: { a: { b: { credential: "[redacted]" } } },
    });
    expect(record.deep.a.b.credential).toBe("c");
  });
});
