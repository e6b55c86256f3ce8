import { createHook } from "node:async_hooks";
import * as crypto from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigFileAuthenticationDetailsProvider, DefaultRequestSigner, type AuthenticationDetailsProvider } from "oci-common";
import { NetworkError } from "../../function/src/net/http";
import { getAuthProvider } from "../../function/src/oci/auth";
import { callOci, OciRequestError, OciTransientError } from "../../function/src/oci/call";
import { KeyObjectRequestSigner, OciHttpError, signedRequest } from "../../function/src/oci/signed-request";
import { startOciServer, type OciServer } from "../servers/oci/server";
import { captureLogger, useResourcePrincipal } from "./support";

// A pass-through, so the test can count how often the signer parses a private key.
jest.mock("node:crypto", () => {
  const actual = jest.requireActual<typeof import("node:crypto")>("node:crypto");
  return { ...actual, createPrivateKey: jest.fn(actual.createPrivateKey) };
});

const SECRET = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaasigned";

let oci: OciServer;
beforeAll(async () => {
  oci = await startOciServer();
  useResourcePrincipal(oci.env);
  oci.secrets.set(SECRET, "s3cr3t-value");
});
afterAll(() => oci.close());
beforeEach(() => {
  oci.stats.reset();
  oci.faults.clear();
});

describe("signedRequest against the loopback OCI server (which verifies every signature)", () => {
  it("GETs a Vault secret bundle signed with the resource principal", async () => {
    const res = await signedRequest({ method: "GET", url: `${oci.url}/20190301/secretbundles/${SECRET}?stage=CURRENT` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ secretId: SECRET, secretBundleContent: { content: Buffer.from("s3cr3t-value").toString("base64") } });
    expect(oci.stats.unauthorized).toBe(0);
  });

  it("PUTs an object with a signed body, and with the body left out of the signature as PutObject allows", async () => {
    const body = JSON.stringify({ eventId: "e1", note: "ünïcode" });
    const put = (name: string, unsignedBody: boolean) =>
      signedRequest(
        { method: "PUT", url: `${oci.url}/n/localns/b/iam-adb-sync-audit/o/${encodeURIComponent(name)}`, headers: { "if-none-match": "*" }, body },
        { unsignedBody },
      );
    expect((await put("a/1.json", false)).status).toBe(200);
    expect((await put("a/2.json", true)).status).toBe(200);
    expect(oci.objects.get("iam-adb-sync-audit", "a/1.json")!.body.toString("utf8")).toBe(body);
    expect(oci.objects.get("iam-adb-sync-audit", "a/2.json")!.contentType).toBe("application/json");
    const [signed, unsigned] = oci.stats.requests;
    expect(signed.headers["x-content-sha256"]).toBe(crypto.createHash("sha256").update(body).digest("base64"));
    expect(unsigned.headers["x-content-sha256"]).toBeUndefined();
    expect(unsigned.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
  });

  it("rejects a non-2xx reply with OciHttpError carrying status and OCI code, which callOci classifies", async () => {
    const url = `${oci.url}/n/localns/b/no-such-bucket/o/x.json`;
    const err = await signedRequest({ method: "PUT", url, body: "{}" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OciHttpError);
    expect(err).toMatchObject({ statusCode: 404, serviceCode: "BucketNotFound", message: "OCI answered 404 BucketNotFound" });
    expect((err as OciHttpError).opcRequestId).toEqual(expect.any(String));

    const { log } = captureLogger();
    const permanent = await callOci("audit object x.json", () => signedRequest({ method: "PUT", url, body: "{}" }), { log }).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(OciRequestError);
    expect(permanent).toMatchObject({ status: 404, serviceCode: "BucketNotFound" });
  });

  it("is retried by callOci on a 503 and on a dropped connection, then succeeds", async () => {
    oci.faults.next({ status: 503, match: "secretbundles" });
    oci.faults.next({ drop: true, match: "secretbundles" });
    const { log, text } = captureLogger();
    const res = await callOci("secret", () => signedRequest({ method: "GET", url: `${oci.url}/20190301/secretbundles/${SECRET}` }), {
      log,
      policy: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
    });
    expect(res.status).toBe(200);
    expect(oci.stats.requests.map((r) => r.status)).toEqual([503, 0, 200]);
    expect(text()).not.toContain("s3cr3t");
  });
});

describe("per-attempt timeout", () => {
  let silent: Server;
  let url: string;
  beforeAll(async () => {
    silent = createServer(() => undefined); // accepts and never answers
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/20190301/secretbundles/x`;
  });
  afterAll(() => {
    silent.closeAllConnections();
    return new Promise<void>((r) => silent.close(() => r()));
  });

  it("gives up after timeoutMs with NetworkError ETIMEDOUT, which callOci treats as transient", async () => {
    const started = Date.now();
    const err = await signedRequest({ method: "GET", url }, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ code: "ETIMEDOUT" });
    expect(Date.now() - started).toBeLessThan(5000);

    const { log } = captureLogger();
    const transient = await callOci("secret", () => signedRequest({ method: "GET", url }, { timeoutMs: 50 }), {
      log,
      policy: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    }).catch((e: unknown) => e);
    expect(transient).toBeInstanceOf(OciTransientError);
    expect((transient as OciTransientError).detail).toBe("OCI unreachable (ETIMEDOUT)");
  });
});

describe("KeyObjectRequestSigner", () => {
  const X_DATE = "Tue, 01 Dec 2026 21:00:00 GMT";
  const cases = [
    { method: "GET" as const, uri: "https://secrets.vaults.eu-frankfurt-1.oci.oraclecloud.com/20190301/secretbundles/ocid1.x?stage=CURRENT", body: undefined },
    { method: "PUT" as const, uri: "https://objectstorage.eu-frankfurt-1.oraclecloud.com/n/ns/b/bkt/o/a%2Fb.json", body: '{"a":"ü"}' },
    { method: "POST" as const, uri: "https://idcs-x.identity.oraclecloud.com/admin/v1/Users/.search", body: "" },
  ];

  async function both(provider: AuthenticationDetailsProvider, c: (typeof cases)[number], exclude = false) {
    const ours = new Headers({ "x-date": X_DATE });
    const sdk = new Headers({ "x-date": X_DATE });
    await new KeyObjectRequestSigner(provider).signHttpRequest({ ...c, headers: ours }, exclude);
    await new DefaultRequestSigner(provider).signHttpRequest({ ...c, headers: sdk }, exclude);
    sdk.delete("date"); // http-signature adds an unsigned Date header; OCI reads x-date
    return { ours: Object.fromEntries(ours), sdk: Object.fromEntries(sdk) };
  }

  it.each(cases)("signs $method exactly as oci-common's DefaultRequestSigner (resource principal)", async (c) => {
    const { ours, sdk } = await both(await getAuthProvider(), c);
    expect(ours).toEqual(sdk);
    expect(ours.authorization).toMatch(/^Signature version="1",keyId="ST\$/);
  });

  it("signs exactly as DefaultRequestSigner with a config-file provider (the CLIs' identity), body excluded too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "signed-request-"));
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(
      join(dir, "config"),
      `[OPS]\nuser=ocid1.user.oc1..aaaaaaaauser\nfingerprint=11:22:33:44:55:66:77:88:99:00:aa:bb:cc:dd:ee:ff\n` +
        `tenancy=ocid1.tenancy.oc1..aaaaaaaatenancy\nregion=eu-frankfurt-1\nkey_file=${join(dir, "key.pem")}\n`,
    );
    const provider = new ConfigFileAuthenticationDetailsProvider(join(dir, "config"), "OPS");
    for (const c of cases) {
      const { ours, sdk } = await both(provider, c);
      expect(ours).toEqual(sdk);
    }
    const { ours, sdk } = await both(provider, cases[1], true);
    expect(ours).toEqual(sdk);
    expect(ours["x-content-sha256"]).toBeUndefined();
  });

  it("makes one RSA signature at a time, in the order asked for (the first is an event's critical path)", async () => {
    const inFlight = new Set<number>();
    let most = 0;
    const done: number[] = [];
    // SignJob is the async resource of crypto.sign with a callback: created when a signature starts on the pool.
    const hook = createHook({
      init(id, type) {
        if (type === "SIGNREQUEST") most = Math.max(most, inFlight.add(id).size);
      },
      destroy: (id) => void inFlight.delete(id),
      after: (id) => void inFlight.delete(id),
    }).enable();
    try {
      const provider = await getAuthProvider();
      const signer = new KeyObjectRequestSigner(provider);
      await Promise.all(
        [0, 1, 2, 3].map(async (i) => {
          await signer.signHttpRequest({ method: "GET", uri: `${cases[0].uri}&n=${i}`, headers: new Headers() });
          done.push(i);
        }),
      );
    } finally {
      hook.disable();
    }
    expect(most).toBe(1);
    expect(done).toEqual([0, 1, 2, 3]);
  });

  it("parses the private key once, and again only when the provider's key changes", async () => {
    const pems = [0, 1].map(() =>
      crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    );
    let current = pems[0];
    const provider = {
      getKeyId: async () => "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb",
      getPrivateKey: () => current,
      getPassphrase: () => null,
    } as AuthenticationDetailsProvider;
    const parse = jest.mocked(crypto.createPrivateKey);
    parse.mockClear();
    {
      const signer = new KeyObjectRequestSigner(provider);
      const signatureFor = async () => {
        const headers = new Headers({ "x-date": X_DATE });
        await signer.signHttpRequest({ method: "GET", uri: cases[0].uri, headers });
        return headers.get("authorization");
      };
      const first = await signatureFor();
      expect(await signatureFor()).toBe(first);
      expect(parse).toHaveBeenCalledTimes(1);
      current = pems[1];
      expect(await signatureFor()).not.toBe(first);
      expect(parse).toHaveBeenCalledTimes(2);
    }
  });
});
