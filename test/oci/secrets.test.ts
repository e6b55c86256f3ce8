import { z } from "zod";
import { createSecretReader, parseSecretJson, SecretError } from "../../function/src/secrets";
import { startOciServer, type OciServer } from "../servers/oci/server";
import { captureLogger, useResourcePrincipal } from "./support";

const OCID = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaordscreds";
const CONTENT = '{"clientId":"ords-client","clientSecret":"s3cr3t-Value-42"}';
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

let oci: OciServer;
beforeAll(async () => {
  oci = await startOciServer();
  useResourcePrincipal(oci.env);
});
afterAll(() => oci.close());
beforeEach(() => {
  oci.stats.reset();
  oci.faults.clear();
  oci.secrets.set(OCID, CONTENT);
});

const reader = (o: { ttlSeconds?: number; now?: () => number } = {}) => {
  const cap = captureLogger();
  return { cap, r: createSecretReader({ endpoint: oci.url, ttlSeconds: o.ttlSeconds ?? 60, log: cap.log, now: o.now, retry: FAST }) };
};

describe("Vault secret reader (real SecretsClient, signed requests)", () => {
  it("reads and decodes the current version, then serves it from cache", async () => {
    const { r } = reader();
    expect(await r.read(OCID)).toBe(CONTENT);
    expect(await r.read(OCID)).toBe(CONTENT);
    expect(oci.stats.count("secrets.getSecretBundle")).toBe(1);
    expect(oci.stats.unauthorized).toBe(0);
  });

  it("shares one request between concurrent reads of the same OCID", async () => {
    const { r } = reader();
    const values = await Promise.all([r.read(OCID), r.read(OCID), r.read(OCID)]);
    expect(values).toEqual([CONTENT, CONTENT, CONTENT]);
    expect(oci.stats.count("secrets.getSecretBundle")).toBe(1);
  });

  it("fetches again once the TTL has passed, and picks up a rotated value", async () => {
    let t = 1_000_000;
    const { r } = reader({ ttlSeconds: 30, now: () => t });
    await r.read(OCID);
    oci.secrets.set(OCID, "rotated");
    t += 29_000;
    expect(await r.read(OCID)).toBe(CONTENT);
    t += 2_000;
    expect(await r.read(OCID)).toBe("rotated");
    expect(oci.stats.count("secrets.getSecretBundle")).toBe(2);
  });

  it("ttlSeconds 0 fetches on every read", async () => {
    const { r } = reader({ ttlSeconds: 0 });
    await r.read(OCID);
    await r.read(OCID);
    expect(oci.stats.count("secrets.getSecretBundle")).toBe(2);
  });

  it("retries 503 and 429 then succeeds, logging each retry without the content", async () => {
    oci.faults.next({ status: 503, times: 2, match: "/secretbundles/" });
    oci.faults.next({ status: 429, match: "/secretbundles/" });
    const { r, cap } = reader();
    expect(await r.read(OCID)).toBe(CONTENT);
    expect(oci.stats.count("secrets.getSecretBundle")).toBe(4);
    expect(cap.text().match(/retrying/g)).toHaveLength(3);
    expect(cap.text()).not.toContain("s3cr3t");
  });

  it("retries a dropped connection", async () => {
    oci.faults.next({ drop: true, match: "/secretbundles/" });
    const { r } = reader();
    expect(await r.read(OCID)).toBe(CONTENT);
  });

  it("gives up after the bounded number of tries with an 'unavailable' error", async () => {
    oci.faults.next({ status: 503, times: 10, match: "/secretbundles/" });
    const { r } = reader();
    const err = await r.read(OCID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).reason).toBe("unavailable");
    expect((err as Error).message).toBe(`secret ${OCID}: Vault unavailable after retries (OCI answered 503 ServiceUnavailable)`);
    expect(oci.stats.count("secrets.getSecretBundle")).toBe(FAST.attempts);
  });

  it("404 is permanent: one request, a specific error, nothing cached", async () => {
    const missing = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaagone";
    const { r } = reader();
    await expect(r.read(missing)).rejects.toThrow(`secret ${missing}: not found or not authorized (404)`);
    expect(oci.stats.count("secrets.getSecretBundle")).toBe(1);
    oci.secrets.set(missing, "now here");
    expect(await r.read(missing)).toBe("now here");
  });

  it("rejects something that is not a secret OCID without calling Vault or echoing it", async () => {
    const { r } = reader();
    const err = (await r.read("hunter2-password").catch((e: unknown) => e)) as SecretError;
    expect(err.reason).toBe("bad_ocid");
    expect(err.message).not.toContain("hunter2");
    expect(oci.stats.requests).toHaveLength(0);
  });

  it("reports content that is not base64 or not UTF-8 without showing it", async () => {
    const bad = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaabad";
    oci.secrets.setRaw(bad, "pass*word!!");
    const { r } = reader();
    const err = (await r.read(bad).catch((e: unknown) => e)) as SecretError;
    expect(err.message).toBe(`secret ${bad}: content is not valid base64`);
    oci.secrets.setRaw(bad, Buffer.from([0xff, 0xfe, 0x70]).toString("base64"));
    await expect(r.read(bad)).rejects.toThrow(`secret ${bad}: content is not UTF-8 text`);
  });
});

describe("parseSecretJson", () => {
  const shape = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(8), mode: z.enum(["oauth", "basic"]) });

  it("returns the typed value", () => {
    expect(parseSecretJson('{"clientId":"a","clientSecret":"abcdefgh","mode":"basic"}', shape, "ORDS credentials")).toEqual({
      clientId: "a",
      clientSecret: "abcdefgh",
      mode: "basic",
    });
  });

  it("names missing and invalid fields but never their values", () => {
    const text = '{"clientId":"a","clientSecret":"short!x","mode":"hunter2-mode"}';
    const err = (() => {
      try {
        parseSecretJson(text, shape, "ORDS credentials");
      } catch (e) {
        return e as SecretError;
      }
    })();
    expect(err?.message).toBe("ORDS credentials: clientSecret is too short; mode must be one of oauth, basic");
    expect(err?.message).not.toMatch(/short!x|hunter2/);
    expect(() => parseSecretJson('{"clientSecret":"abcdefghij","mode":"oauth"}', shape, "ORDS credentials")).toThrow(
      "ORDS credentials: clientId is missing",
    );
  });

  it("says the content is not JSON without quoting it", () => {
    expect(() => parseSecretJson("password=hunter2", shape, "ORDS credentials")).toThrow(
      /^ORDS credentials: secret content is not valid JSON$/,
    );
  });
});
