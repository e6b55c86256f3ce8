import type { Logger } from "../log/logger";
import type { RetryPolicy } from "../net/retry";
import { callOci, isNotFoundOrNotAuthorized, OciRequestError, OciTransientError } from "../oci/call";
import { lazySdkClient } from "../oci/client";
import { AsyncTtlCache } from "../oci/ttl-cache";
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

/**
 * Reads Vault secrets with the function's resource principal. Each OCID is cached for ttlSeconds after a
 * successful fetch; concurrent reads of one OCID share a single request; failures are never cached.
 */
export function createSecretReader(opts: SecretReaderOptions): SecretReader {
  const cache = new AsyncTtlCache<string>(opts.ttlSeconds * 1000, opts.now);
  const getClient = lazySdkClient(async () => (await import("oci-secrets")).SecretsClient, opts.endpoint);

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
      const { value, hit } = cache.get(ocid, () => fetchSecret(ocid));
      opts.log.debug({ secretOcid: ocid, cached: hit }, hit ? "secret served from cache" : "secret requested from Vault");
      return value;
    },
  };
}

function toSecretError(ocid: string, err: unknown): Error {
  if (isNotFoundOrNotAuthorized(err)) {
    return new SecretError(`secret ${ocid}: not found or not authorized (${err.status})`, "denied", err.status);
  }
  if (err instanceof OciRequestError) {
    return new SecretError(`secret ${ocid}: Vault refused the request (${err.detail})`, "refused", err.status);
  }
  if (err instanceof OciTransientError) {
    return new SecretError(`secret ${ocid}: Vault unavailable after retries (${err.detail})`, "unavailable", err.status);
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
