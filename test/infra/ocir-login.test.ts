import { createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ocirCredentials } from "../../infra/image/ocir-login";
import { pushImage } from "../../infra/image/push-image";
import { RegistryClient, sha256 } from "../../infra/image/registry-client";
import { startRegistry } from "./registry-server";
import { fixtureBundle } from "./synth";

const TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancy";
const USER = "ocid1.user.oc1..aaaaaaaadeployer";
const FINGERPRINT = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99";

/** Checks an OCI API-key request signature (draft-cavage as OCI uses it) with node:crypto, independent of the SDK. */
function verifyApiKeySignature(req: IncomingMessage, publicKeyPem: string): string | undefined {
  const header = req.headers.authorization ?? "";
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (params.keyId !== `${TENANCY}/${USER}/${FINGERPRINT}`) return `keyId ${params.keyId}`;
  const names = (params.headers ?? "").split(" ");
  if (!names.includes("(request-target)") || !names.includes("host") || !(names.includes("date") || names.includes("x-date"))) {
    return `headers not covered: ${params.headers}`;
  }
  const signing = names
    .map((n) => (n === "(request-target)" ? `(request-target): ${req.method?.toLowerCase()} ${req.url}` : `${n}: ${String(req.headers[n])}`))
    .join("\n");
  const ok = createVerify("RSA-SHA256").update(signing).verify(publicKeyPem, params.signature, "base64");
  return ok ? undefined : "bad signature";
}

describe("OCIR login with the OCI config profile (no auth token)", () => {
  it("signs the registry token request with the profile's API key and pushes with the token it returns", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const dir = mkdtempSync(join(tmpdir(), "oci-profile-"));
    writeFileSync(join(dir, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(
      join(dir, "config"),
      `[DEPLOY]\nuser=${USER}\nfingerprint=${FINGERPRINT}\ntenancy=${TENANCY}\nregion=eu-frankfurt-1\nkey_file=${join(dir, "key.pem")}\n`,
    );
    const sessionToken = `ocir-${randomUUID()}`;
    const problems: string[] = [];
    const tokenEndpoint = createServer((req, res) => {
      const problem = req.url === "/20180419/docker/token" ? verifyApiKeySignature(req, publicPem) : `path ${req.url}`;
      if (problem) {
        problems.push(problem);
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: sessionToken }));
    });
    await new Promise<void>((r) => tokenEndpoint.listen(0, "127.0.0.1", r));
    const registry = await startRegistry({ tokenAuth: true, credentials: { username: "BEARER_TOKEN", password: sessionToken } });
    const base = await startRegistry();
    try {
      const host = `127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}`;
      const creds = await ocirCredentials("profile", host, { OCI_CLI_CONFIG_FILE: join(dir, "config") }, "DEPLOY").catch((e: Error) => {
        throw new Error(`${e.message}; ${problems.join("; ")}`);
      });
      expect(problems).toEqual([]);
      expect(creds).toEqual({ username: "BEARER_TOKEN", password: sessionToken });

      // A one-layer base, then the real push through the registry's Bearer flow with those credentials.
      const seed = new RegistryClient(base.host, { plainHttp: true });
      const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
      const configDigest = sha256(config);
      await seed.pushBlob("fn/node", configDigest, config);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
          layers: [],
        }),
      );
      await seed.putManifest("fn/node", "20", { mediaType: "application/vnd.oci.image.manifest.v1+json", bytes: manifest, digest: sha256(manifest) });
      const result = await pushImage({
        bundleDir: fixtureBundle(),
        baseImage: `${base.host}/fn/node:20`,
        target: { host: registry.host, repository: "ns/app/function", tag: "t1" },
        source: { plainHttp: true },
        destination: { plainHttp: true, credentials: creds },
      });
      expect(result.manifestUploaded).toBe(true);
      expect(registry.tokenRequests).toBeGreaterThan(0);
    } finally {
      await registry.stop();
      await base.stop();
      await new Promise<void>((r) => tokenEndpoint.close(() => r()));
    }
  });

  it("takes the user and auth token from the environment in token mode, and names what is missing", async () => {
    await expect(ocirCredentials("token", "x", { OCIR_USERNAME: "ns/user" })).rejects.toThrow(
      "--auth token needs OCIR_USERNAME and OCIR_AUTH_TOKEN in the environment",
    );
    await expect(ocirCredentials("token", "x", { OCIR_USERNAME: "ns/user", OCIR_AUTH_TOKEN: "t0k" })).resolves.toEqual({
      username: "ns/user",
      password: "t0k",
    });
    await expect(ocirCredentials("none", "x", {})).resolves.toBeUndefined();
  });
});
