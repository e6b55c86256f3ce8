import { createHash } from "node:crypto";

/**
 * A small client for the Registry HTTP API v2 (docker distribution / OCI distribution spec): manifests and
 * blobs, with the Basic and Bearer-token challenge flows that Docker Hub and OCIR use.
 */

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  credentials?: Credentials;
  /** Plain HTTP; only ever chosen for loopback registries. */
  plainHttp?: boolean;
  /** Blobs above this size are uploaded in PATCH chunks of this size; smaller ones in one PUT. */
  chunkSize?: number;
  /** Called once per HTTP request (method and path), e.g. to count uploads. */
  onRequest?: (method: string, path: string) => void;
}

export interface Manifest {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

export const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

export const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1]] = p[2];
  return { scheme: m[1].toLowerCase(), params };
}

export class RegistryClient {
  private readonly base: string;
  /** Authorization header per repository scope, once a challenge was answered. */
  private readonly auth = new Map<string, string>();

  constructor(
    readonly host: string,
    private readonly opts: RegistryClientOptions = {},
  ) {
    if (opts.plainHttp && !isLoopback(host)) throw new Error(`plain HTTP is only allowed for loopback, not ${host}`);
    this.base = `${opts.plainHttp ? "http" : "https"}://${host}`;
  }

  /** A manifest or index by tag or digest; the digest is computed from the bytes and checked against a digest ref. */
  async getManifest(repo: string, reference: string): Promise<Manifest> {
    const res = await this.request(repo, "GET", `/v2/${repo}/manifests/${reference}`, {
      headers: { accept: MANIFEST_TYPES.join(", ") },
    });
    await this.expect(res, [200], `GET manifest ${repo}:${reference}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = sha256(bytes);
    if (reference.startsWith("sha256:") && reference !== digest) {
      throw new RegistryError(`manifest ${repo}@${reference} has digest ${digest}`, 200);
    }
    const mediaType = (res.headers.get("content-type") ?? "").split(";")[0].trim() || this.mediaTypeOf(bytes);
    return { mediaType, bytes, digest };
  }

  /** The digest a tag points at, or undefined when the tag does not exist. */
  async headManifest(repo: string, reference: string): Promise<string | undefined> {
    const res = await this.request(repo, "HEAD", `/v2/${repo}/manifests/${reference}`, {
      headers: { accept: MANIFEST_TYPES.join(", ") },
    });
    if (res.status === 404) return undefined;
    await this.expect(res, [200], `HEAD manifest ${repo}:${reference}`);
    return res.headers.get("docker-content-digest") ?? undefined;
  }

  async putManifest(repo: string, reference: string, manifest: Manifest): Promise<string> {
    const res = await this.request(repo, "PUT", `/v2/${repo}/manifests/${reference}`, {
      headers: { "content-type": manifest.mediaType },
      body: manifest.bytes,
    });
    await this.expect(res, [201, 200], `PUT manifest ${repo}:${reference}`);
    return res.headers.get("docker-content-digest") ?? manifest.digest;
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const res = await this.request(repo, "HEAD", `/v2/${repo}/blobs/${digest}`);
    if (res.status === 404) return false;
    await this.expect(res, [200], `HEAD blob ${repo}@${digest}`);
    return true;
  }

  /** A blob's bytes, verified against its digest. */
  async getBlob(repo: string, digest: string): Promise<Buffer> {
    const res = await this.request(repo, "GET", `/v2/${repo}/blobs/${digest}`);
    await this.expect(res, [200], `GET blob ${repo}@${digest}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (sha256(bytes) !== digest) throw new RegistryError(`blob ${repo}@${digest} arrived with another digest`, 200);
    return bytes;
  }

  /** Uploads a blob: one PUT when small, PATCH chunks then a closing PUT when large. */
  async pushBlob(repo: string, digest: string, bytes: Buffer): Promise<void> {
    const start = await this.request(repo, "POST", `/v2/${repo}/blobs/uploads/`, { headers: { "content-length": "0" } });
    await this.expect(start, [202], `start upload ${repo}`);
    let location = this.location(start);
    const chunk = this.opts.chunkSize ?? 8 * 1024 * 1024;
    let offset = 0;
    if (bytes.length > chunk) {
      for (; offset < bytes.length; offset += chunk) {
        const part = bytes.subarray(offset, Math.min(offset + chunk, bytes.length));
        const res = await this.request(repo, "PATCH", location, {
          headers: {
            "content-type": "application/octet-stream",
            "content-range": `${offset}-${offset + part.length - 1}`,
          },
          body: part,
        });
        await this.expect(res, [202], `upload chunk ${repo}@${digest}`);
        location = this.location(res);
      }
    }
    const url = new URL(location, this.base);
    url.searchParams.set("digest", digest);
    const rest = bytes.subarray(offset);
    const done = await this.request(repo, "PUT", url.pathname + url.search, {
      headers: { "content-type": "application/octet-stream" },
      body: rest,
    });
    await this.expect(done, [201], `finish upload ${repo}@${digest}`);
  }

  /** Asks the registry to link a blob from another repository on the same host; false when it declines. */
  async mountBlob(repo: string, digest: string, fromRepo: string): Promise<boolean> {
    const q = new URLSearchParams({ mount: digest, from: fromRepo });
    const res = await this.request(repo, "POST", `/v2/${repo}/blobs/uploads/?${q}`, {
      headers: { "content-length": "0" },
      extraScope: `repository:${fromRepo}:pull`,
    });
    if (res.status === 201) return true;
    await this.expect(res, [202], `mount ${digest} from ${fromRepo}`);
    // 202 means the registry opened an upload instead; abandon it, the caller copies the blob.
    await this.request(repo, "DELETE", this.location(res)).then((r) => r.arrayBuffer());
    return false;
  }

  private mediaTypeOf(bytes: Buffer): string {
    const parsed = JSON.parse(bytes.toString("utf8")) as { mediaType?: string };
    return parsed.mediaType ?? "application/vnd.oci.image.manifest.v1+json";
  }

  private location(res: Response): string {
    const loc = res.headers.get("location");
    if (!loc) throw new RegistryError(`registry sent no Location for an upload`, res.status);
    return loc.startsWith("http") ? new URL(loc).pathname + new URL(loc).search : loc;
  }

  private async expect(res: Response, ok: number[], what: string): Promise<void> {
    if (ok.includes(res.status)) return;
    // Registry error bodies are JSON {errors:[{code,message}]}; they never carry credentials.
    const body = (await res.text()).slice(0, 300).replace(/\s+/g, " ");
    throw new RegistryError(`${what}: HTTP ${res.status} ${body}`, res.status);
  }

  private async request(
    repo: string,
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Buffer; extraScope?: string } = {},
  ): Promise<Response> {
    const scope = `repository:${repo}:${method === "GET" || method === "HEAD" ? "pull" : "pull,push"}`;
    const send = () => {
      this.opts.onRequest?.(method, path.split("?")[0]);
      const headers: Record<string, string> = { ...init.headers };
      const authz = this.auth.get(scope);
      if (authz) headers.authorization = authz;
      return fetch(new URL(path, this.base), { method, headers, body: init.body, redirect: "follow" });
    };
    let res = await send();
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get("www-authenticate"));
    await res.arrayBuffer();
    if (!challenge) return res;
    this.auth.set(scope, await this.answer(challenge, [scope, init.extraScope].filter((s): s is string => !!s)));
    res = await send();
    return res;
  }

  private async answer(challenge: Challenge, scopes: string[]): Promise<string> {
    const creds = this.opts.credentials;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}` : undefined;
    if (challenge.scheme === "basic") {
      if (!basic) throw new RegistryError(`${this.host} wants credentials and none were given`, 401);
      return basic;
    }
    if (challenge.scheme !== "bearer" || !challenge.params.realm) {
      throw new RegistryError(`${this.host}: unsupported auth challenge ${challenge.scheme}`, 401);
    }
    const url = new URL(challenge.params.realm);
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    for (const s of scopes) url.searchParams.append("scope", s);
    this.opts.onRequest?.("GET", url.pathname);
    const res = await fetch(url, { headers: basic ? { authorization: basic } : {} });
    if (res.status !== 200) {
      await res.arrayBuffer();
      throw new RegistryError(`${this.host}: token request refused with HTTP ${res.status}`, res.status);
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${this.host}: token response carried no token`, 200);
    return `Bearer ${token}`;
  }
}
