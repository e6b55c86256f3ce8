import { createHash, createPrivateKey, sign, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { promisify } from "node:util";
import type { AuthenticationDetailsProvider, HttpRequest, RequestSigner } from "oci-common";
import { nodeRequest } from "../net/http";
import { getAuthProvider } from "./auth";

/** Longest a single OCI request may take before it counts as a (transient) failure. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

export type OciMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface SignedRequestInit {
  method: OciMethod;
  /** Absolute URL, already percent-encoded: its path and query are signed and sent exactly as given. */
  url: string;
  /** Extra headers (lower-case names). content-type defaults to application/json for POST/PUT/PATCH. */
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface SignedRequestOptions {
  /** Signing identity; the function's resource principal by default (a CLI passes its config-file provider). */
  provider?: AuthenticationDetailsProvider;
  /** Per attempt; a retry loop around the call makes the next attempt. */
  timeoutMs?: number;
  /** Leave the body out of the signature, as the SDK does for Object Storage object uploads (PutObject). */
  unsignedBody?: boolean;
}

export interface SignedResponse {
  /** Always 2xx: other statuses reject with OciHttpError. */
  status: number;
  headers: IncomingHttpHeaders;
  /** The reply body as UTF-8 text (every OCI API we call answers JSON or nothing). */
  body: string;
}

/**
 * An OCI API error reply. Carries what callOci's classifier reads (statusCode, serviceCode), like the SDK's
 * OciError; the message names status and code only, never the body or the request.
 */
export class OciHttpError extends Error {
  override name = "OciHttpError";
  constructor(
    readonly statusCode: number,
    readonly serviceCode: string | undefined,
    readonly opcRequestId: string | undefined,
  ) {
    super(`OCI answered ${statusCode}${serviceCode ? ` ${serviceCode}` : ""}`);
  }
}

/** A request whose signature is made: what `sendSigned` puts on the wire (a retry signs afresh). */
export interface SignedRequestReady {
  init: SignedRequestInit;
  headers: Record<string, string>;
  /** Date.now() at signing: OCI refuses a signature whose x-date is more than 5 minutes off. */
  signedAt: number;
  timeoutMs: number;
}

/**
 * Signs one OCI request with the resource principal (or opts.provider) without sending it. The RSA
 * signature is made on libuv's thread pool, so a caller can sign a request it will send later (the audit
 * upload of an event) while the event's other calls are on the wire.
 */
export async function signRequest(init: SignedRequestInit, opts: SignedRequestOptions = {}): Promise<SignedRequestReady> {
  const provider = opts.provider ?? (await getAuthProvider());
  const headers: Record<string, string> = { ...init.headers };
  if (BODY_METHODS.has(init.method) && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  await signerFor(provider).signHeaders(init.method, new URL(init.url), headers, init.body, opts.unsignedBody);
  if (opts.unsignedBody && init.body !== undefined && headers["content-length"] === undefined) {
    headers["content-length"] = String(Buffer.byteLength(init.body));
  }
  return { init, headers, signedAt: Date.now(), timeoutMs: opts.timeoutMs ?? ATTEMPT_TIMEOUT_MS };
}

/**
 * Sends a signed request over node:http/https: no SDK client, no circuit breaker, no retries (wrap it in
 * callOci). Resolves with a 2xx reply; rejects with OciHttpError for any other status, or NetworkError
 * (code ECONNREFUSED, ETIMEDOUT…) when no reply came.
 */
export async function sendSigned(ready: SignedRequestReady): Promise<SignedResponse> {
  const res = await nodeRequest({ method: ready.init.method, url: ready.init.url, headers: ready.headers, body: ready.init.body, timeoutMs: ready.timeoutMs });
  const body = res.body.toString("utf8");
  if (res.status < 200 || res.status > 299) {
    const requestId = res.headers["opc-request-id"];
    throw new OciHttpError(res.status, serviceCodeOf(body), typeof requestId === "string" ? requestId : undefined);
  }
  return { status: res.status, headers: res.headers, body };
}

/** A request signed with its body left out of the signature (unsignedBody), now given that body. */
export function withUnsignedBody(ready: SignedRequestReady, body: string | Buffer): SignedRequestReady {
  return { ...ready, init: { ...ready.init, body }, headers: { ...ready.headers, "content-length": String(Buffer.byteLength(body)) } };
}

/** Signs and sends one OCI request (see signRequest and sendSigned). */
export async function signedRequest(init: SignedRequestInit, opts: SignedRequestOptions = {}): Promise<SignedResponse> {
  return sendSigned(await signRequest(init, opts));
}

/**
 * The base URL of a regional OCI service: the configured override (private endpoint, local sandbox) or
 * https://<service>.<region>.<realm domain> for the resource principal's region, as the SDK would derive it.
 */
export async function regionalEndpoint(service: string, override?: string): Promise<string> {
  if (override) return override.replace(/\/+$/, "");
  const region = (await getAuthProvider()).getRegion();
  return `https://${service}.${region.regionId}.${region.realm.secondLevelDomain}`;
}

function serviceCodeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === "string" && /^[A-Za-z.]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Headers every OCI signature covers, and the methods whose body is signed too, as oci-common's signer has
 * them (its header names keep their capitals in the Authorization header; the signing string is lower-case).
 */
const ALWAYS_SIGNED = ["x-date", "(request-target)", "host"];
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

const signOnPool = promisify(sign);
let lastSignature: Promise<unknown> = Promise.resolve();

/**
 * RSA signatures one at a time, in the order asked for: a function has a fraction of a core, so two at
 * once only share it, and the first asked for (an event's IAM read, on its critical path) would finish no
 * sooner than the second (its audit PUT, needed only at the end).
 */
function signAsync(algorithm: string, data: Buffer, key: KeyObject): Promise<Buffer> {
  const signed = lastSignature.then(() => signOnPool(algorithm, data, key));
  lastSignature = signed.catch(() => undefined);
  return signed;
}

/**
 * oci-common's RequestSigner contract (OCI's profile of draft-cavage HTTP signatures, byte for byte what
 * DefaultRequestSigner produces for the same request and date) with two differences: the private key is
 * parsed once into a KeyObject and reused (DefaultRequestSigner hands a PEM to sshpk, which OpenSSL re-parses
 * on every signature: about 2.5 ms of the 3.5 ms a signature costs there), and the RSA operation runs on the
 * thread pool rather than blocking the event loop. A rotated key (a new session key after a resource
 * principal refresh) is noticed by comparing the provider's PEM and parsed again.
 */
export class KeyObjectRequestSigner implements RequestSigner {
  private pem = "";
  private key: KeyObject | undefined;

  constructor(private readonly provider: AuthenticationDetailsProvider) {}

  async signHttpRequest(request: HttpRequest, forceExcludeBody = false): Promise<void> {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    await this.signHeaders(request.method, new URL(request.uri), headers, request.body as string | Buffer | undefined, forceExcludeBody);
    for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  }

  /** Adds the signature (and the headers it covers) to `h`, whose names are lower-case. */
  async signHeaders(method: string, url: URL, h: Record<string, string>, body: string | Buffer | undefined, excludeBody = false): Promise<void> {
    h.host ??= url.host;
    h["x-date"] ??= new Date().toUTCString();
    const signed = [...ALWAYS_SIGNED];
    const verb = method.toUpperCase();
    if (!excludeBody && BODY_METHODS.has(verb)) {
      h["content-type"] ??= "application/json";
      const content: string | Buffer = body ?? "";
      h["x-content-sha256"] = createHash("sha256").update(content).digest("base64");
      h["content-length"] ??= String(Buffer.byteLength(content));
      signed.push("Content-Type", "Content-Length", "x-content-sha256");
    }
    // Read the key id first: a resource principal refreshes its token (and possibly its key) there.
    const keyId = await this.provider.getKeyId();
    const target = `${url.pathname}${url.search}`;
    const lines = signed.map((name) =>
      name === "(request-target)" ? `(request-target): ${verb.toLowerCase()} ${target}` : `${name.toLowerCase()}: ${h[name.toLowerCase()] ?? ""}`,
    );
    const signature = (await signAsync("sha256", Buffer.from(lines.join("\n"), "utf8"), this.privateKey())).toString("base64");
    h.authorization = `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",headers="${signed.join(" ")}",signature="${signature}"`;
  }

  private privateKey(): KeyObject {
    const pem = this.provider.getPrivateKey();
    if (!this.key || pem !== this.pem) {
      this.key = createPrivateKey({ key: pem, passphrase: this.provider.getPassphrase() ?? undefined });
      this.pem = pem;
    }
    return this.key;
  }
}

/** One signer per provider, so its parsed key is kept for the life of the process. */
const signers = new WeakMap<AuthenticationDetailsProvider, KeyObjectRequestSigner>();

function signerFor(provider: AuthenticationDetailsProvider): KeyObjectRequestSigner {
  let s = signers.get(provider);
  if (!s) signers.set(provider, (s = new KeyObjectRequestSigner(provider)));
  return s;
}
