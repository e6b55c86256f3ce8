import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createSign, randomUUID, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegistryClient, sha256 } from "../../infra/image/registry-client";

/**
 * A real registry (Debian's docker-registry, i.e. docker distribution 2.8) on 127.0.0.1, optionally behind
 * token auth served by a loopback token server that signs JWTs with a throw-away self-signed certificate —
 * the same Bearer challenge flow Docker Hub and OCIR use.
 */
export interface TestRegistry {
  host: string;
  /** Basic credentials the token server accepts (token auth only). */
  credentials?: { username: string; password: string };
  /** Token requests the token server answered. */
  tokenRequests: number;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

async function waitReady(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not start: ${log()}`);
}

function startTokenServer(dir: string, service: string, issuer: string, creds: { username: string; password: string }) {
  const key = join(dir, "token.key");
  const cert = join(dir, "token.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=test-token-issuer"], {
    stdio: "ignore",
  });
  const der = new X509Certificate(readFileSync(cert)).raw;
  const privateKey = readFileSync(key);
  const counter = { n: 0 };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const expected = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
    if (req.headers.authorization !== expected || url.searchParams.get("service") !== service) {
      res.writeHead(401).end();
      return;
    }
    counter.n++;
    const access = url.searchParams.getAll("scope").map((s) => {
      const [type, name, actions] = s.split(":");
      return { type, name, actions: actions.split(",") };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", x5c: [der.toString("base64")] }));
    const claims = b64url(
      JSON.stringify({ iss: issuer, sub: creds.username, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }),
    );
    const sig = b64url(createSign("RSA-SHA256").update(`${header}.${claims}`).sign(privateKey));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `${header}.${claims}.${sig}` }));
  });
  return { server, cert, counter };
}

export async function startRegistry(
  opts: { tokenAuth?: boolean; credentials?: { username: string; password: string } } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "registry-"));
  const port = await freePort();
  const service = "iam-adb-sync-test-registry";
  const issuer = "iam-adb-sync-test-issuer";
  const credentials = opts.credentials ?? { username: "pusher", password: `token-${randomUUID()}` };
  let token: ReturnType<typeof startTokenServer> | undefined;
  let auth = "";
  if (opts.tokenAuth) {
    token = startTokenServer(dir, service, issuer, credentials);
    const tokenPort = await freePort();
    await new Promise<void>((r) => token?.server.listen(tokenPort, "127.0.0.1", r));
    auth = `auth:\n  token:\n    realm: http://127.0.0.1:${tokenPort}/token\n    service: ${service}\n    issuer: ${issuer}\n    rootcertbundle: ${token.cert}\n`;
  }
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n` +
      `  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  let output = "";
  const proc = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  proc.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  await waitReady(`http://127.0.0.1:${port}/v2/`, proc, () => output.slice(-2000));
  return {
    host: `127.0.0.1:${port}`,
    credentials: opts.tokenAuth ? credentials : undefined,
    get tokenRequests() {
      return token?.counter.n ?? 0;
    },
    async stop() {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
      if (token) await new Promise((r) => token?.server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pushes the smallest base image (an OCI manifest with no layers) as <repo>:<tag>; returns its digest. */
export async function seedEmptyImage(registry: TestRegistry, repo: string, tag: string): Promise<string> {
  const seed = new RegistryClient(registry.host, { plainHttp: true, credentials: registry.credentials });
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
  await seed.pushBlob(repo, sha256(config), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: [],
    }),
  );
  await seed.putManifest(repo, tag, { mediaType: "application/vnd.oci.image.manifest.v1+json", bytes: manifest, digest: sha256(manifest) });
  return sha256(manifest);
}
