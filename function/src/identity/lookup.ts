import type { Logger } from "../log/logger";
import type { RetryPolicy } from "../net/retry";
import { OciRequestError, OciTransientError } from "../oci/call";
import { AsyncTtlCache } from "../oci/ttl-cache";
import { domainIdentityLookup } from "./domain";
import { legacyIdentityLookup } from "./legacy";
import { IdentityError, type IamGroup, type IamUser, type IdentityLookup } from "./types";

export interface IdentityLookupOptions {
  /** IAM API endpoint override (legacy look-ups). */
  endpoint?: string;
  /** Identity domain URL: look users and groups up there (SCIM) instead of through the IAM API. */
  domainUrl?: string;
  log: Logger;
  /** How long an answer (including "no such user") is reused in this process; default 60. */
  ttlSeconds?: number;
  now?: () => number;
  retry?: RetryPolicy;
}

const OCID = (kind: string) => new RegExp(`^ocid1\\.${kind}\\.[a-z0-9]+\\.[a-z0-9-]*\\.[A-Za-z0-9._-]+$`);
const USER_OCID = OCID("user");
const GROUP_OCID = OCID("group");

/**
 * Names for the OCIDs events carry. Answers are cached briefly (one event often needs the same user or
 * group twice); failures become IdentityError with the reason, the OCID and the HTTP status.
 */
export function createIdentityLookup(opts: IdentityLookupOptions): IdentityLookup {
  const backend = opts.domainUrl
    ? domainIdentityLookup({ domainUrl: opts.domainUrl, log: opts.log, retry: opts.retry })
    : legacyIdentityLookup({ endpoint: opts.endpoint, log: opts.log, retry: opts.retry });
  const source = opts.domainUrl ? "identity domain" : "IAM";
  const ttlMs = (opts.ttlSeconds ?? 60) * 1000;
  const users = new AsyncTtlCache<IamUser | null>(ttlMs, opts.now);
  const groups = new AsyncTtlCache<IamGroup | null>(ttlMs, opts.now);

  const look = <T>(kind: "user" | "group", ocid: string, pattern: RegExp, cache: AsyncTtlCache<T>, load: () => Promise<T>) => {
    if (!pattern.test(ocid)) {
      return Promise.reject(new IdentityError(`not an IAM ${kind} OCID (expected ocid1.${kind}.…): ${JSON.stringify(ocid.slice(0, 120))}`, "bad_ocid"));
    }
    return cache.get(ocid, () => load().catch((err: unknown) => Promise.reject(toIdentityError(source, kind, ocid, err)))).value;
  };

  return {
    user: (ocid) => look("user", ocid, USER_OCID, users, () => backend.user(ocid)),
    group: (ocid) => look("group", ocid, GROUP_OCID, groups, () => backend.group(ocid)),
  };
}

function toIdentityError(source: string, kind: string, ocid: string, err: unknown): Error {
  if (err instanceof IdentityError) return err;
  if (err instanceof OciRequestError) {
    const denied = err.status === 401 || err.status === 403 || err.status === 404;
    return new IdentityError(
      denied
        ? `${source} ${kind} ${ocid}: look-up not authorized (${err.status}); check the function's policy`
        : `${source} ${kind} ${ocid}: look-up refused (${err.detail})`,
      denied ? "denied" : "bad_reply",
      err.status,
    );
  }
  if (err instanceof OciTransientError) {
    return new IdentityError(`${source} ${kind} ${ocid}: unavailable after retries (${err.detail})`, "unavailable", err.status);
  }
  return err instanceof Error ? err : new Error(String(err));
}
