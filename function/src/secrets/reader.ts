import type { SecretsClient } from "oci-secrets";
import type { Logger } from "../log/logger";
import type { RetryPolicy } from "../net/retry";
import { getAuthProvider } from "../oci/auth";
import { callOci, isNotFoundOrNotAuthorized, OciRequestError, OciTransientError, sdkClientConfiguration } from "../oci/call";
import { SecretError } from "./errors";

export interface SecretReader {
  /** The secret's current version, decoded as UTF-8 text. */
  read(secretOcid: string): Promise<string>;
}

export interface SecretReaderOptions {
  /** Secrets (retrieval) endpoint override, e.g. a private endpoint or the local sandbox. */
  endpoint?: string;
  /** How long a fetched secret is reused; 0 fetches on every read. */
  ttlSeconds: number;
  log: Logger;
  now?: () => number;
  /** Overrides the retry policy for transient Vault failures. */
  retry?: RetryPolicy;
}

const SECRET_OCID = /^ocid1\.vaultsecret\.[a-z0-9]+\.[a-z0-9-]*\.[A-Za-z0-9._-]+$/;

interface CacheEntry {
  value: Promise<string>;
  /** Epoch ms; Infinity while the fetch is in flight (shared by concurrent readers). */
  expiresAt: number;
}

/**
 * Reads Vault secrets with the function's resource principal. Each OCID is cached for ttlSeconds after a
 * successful fetch; concurrent reads of one OCID share a single request; failures are never cached.
 */
export function createSecretReader(opts: SecretReaderOptions): SecretReader {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  let client: Promise<SecretsClient> | undefined;

  const getClient = (): Promise<SecretsClient> => {
    client ??= (async () => {
      const { SecretsClient } = await import("oci-secrets");
      const c = new SecretsClient(
        { authenticationDetailsProvider: await getAuthProvider() },
        await sdkClientConfiguration(),
      );
      if (opts.endpoint) c.endpoint = opts.endpoint;
      return c;
    })().catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    return client;
  };

  const fetchSecret = async (ocid: string): Promise<string> => {
    const c = await getClient();
    let bundle;
    try {
      ({ secretBundle: bundle } = await callOci(`secret ${ocid}`, () => c.getSecretBundle({ secretId: ocid }), {
        log: opts.log,
        policy: opts.retry,
      }));
    } catch (err) {
      throw toSecretError(ocid, err);
    }
    const content = bundle.secretBundleContent;
    if (content?.contentType !== "BASE64" || typeof content.content !== "string") {
      throw new SecretError(`secret ${ocid}: the bundle has no base64 content`, "bad_content");
    }
    return decodeBase64Utf8(ocid, content.content);
  };

  return {
    read(ocid) {
      if (!SECRET_OCID.test(ocid)) {
        // The value is not echoed: a caller mixing up arguments might have passed the content itself.
        return Promise.reject(new SecretError("not a Vault secret OCID (expected ocid1.vaultsecret.…)", "bad_ocid"));
      }
      const hit = cache.get(ocid);
      if (hit && hit.expiresAt > now()) {
        opts.log.debug({ secretOcid: ocid }, "secret served from cache");
        return hit.value;
      }
      const entry: CacheEntry = { value: fetchSecret(ocid), expiresAt: Infinity };
      cache.set(ocid, entry);
      entry.value.then(
        () => {
          if (opts.ttlSeconds > 0) entry.expiresAt = now() + opts.ttlSeconds * 1000;
          else forget(ocid, entry);
          opts.log.debug({ secretOcid: ocid }, "secret fetched from Vault");
        },
        () => forget(ocid, entry),
      );
      return entry.value;
    },
  };

  function forget(ocid: string, entry: CacheEntry): void {
    if (cache.get(ocid) === entry) cache.delete(ocid);
  }
}

function toSecretError(ocid: string, err: unknown): Error {
  if (isNotFoundOrNotAuthorized(err)) {
    return new SecretError(`secret ${ocid}: not found or not authorized (${err.status})`, "denied", err.status);
  }
  if (err instanceof OciRequestError) {
    return new SecretError(`secret ${ocid}: Vault refused the request (${err.status} ${err.serviceCode ?? ""})`.trim(), "denied", err.status);
  }
  if (err instanceof OciTransientError) {
    return new SecretError(`secret ${ocid}: Vault unavailable after retries: ${err.message}`, "unavailable");
  }
  // Auth setup errors and anything unexpected pass through unchanged.
  return err instanceof Error ? err : new Error(String(err));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict: Buffer.from(…, "base64") silently skips bad characters, which would turn garbage into a "secret". */
function decodeBase64Utf8(ocid: string, b64: string): string {
  const compact = b64.replace(/\s+/g, "");
  if (!BASE64.test(compact)) {
    throw new SecretError(`secret ${ocid}: content is not valid base64`, "bad_content");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(compact, "base64"));
  } catch {
    throw new SecretError(`secret ${ocid}: content is not UTF-8 text`, "bad_content");
  }
}
