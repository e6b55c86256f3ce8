import type { Logger } from "../log/logger";
import type { RetryPolicy } from "../net/retry";
import { callOci, OciRequestError, OciTransientError } from "../oci/call";
import { onceAsync } from "../oci/once";
import { regionalEndpoint, signedRequest } from "../oci/signed-request";
import { auditObjectName } from "./object-name";
import { redact } from "./redact";

/** Built by the caller: event id, type, principal, outcome, statements (already redacted). */
export interface AuditRecord {
  [k: string]: unknown;
}

export interface AuditSink {
  /** Stores one record as a new object; resolves to the object name. */
  write(record: AuditRecord & { eventId: string; eventTime?: string }): Promise<string>;
}

export interface AuditSinkOptions {
  bucket: string;
  /** Object Storage namespace; looked up once with GetNamespace when absent. */
  namespace?: string;
  endpoint?: string;
  log: Logger;
  retry?: RetryPolicy;
  now?: () => Date;
}

export class AuditError extends Error {
  override name = "AuditError";
}

/**
 * Writes one JSON object per audit record to Object Storage. Records are never overwritten: each gets a
 * fresh name and the upload carries If-None-Match: *, so the store itself refuses to replace an object.
 */
export function createAuditSink(opts: AuditSinkOptions): AuditSink {
  const now = opts.now ?? (() => new Date());
  const getEndpoint = onceAsync(() => regionalEndpoint("objectstorage", opts.endpoint));
  const lookUpNamespace = onceAsync(async () => {
    const base = await getEndpoint();
    const res = await callOci("Object Storage namespace", () => signedRequest({ method: "GET", url: `${base}/n/` }), { log: opts.log, policy: opts.retry });
    const ns: unknown = JSON.parse(res.body);
    if (typeof ns !== "string" || !/^[a-z0-9-]{1,64}$/i.test(ns)) throw new AuditError("Object Storage answered GetNamespace with no namespace");
    return ns;
  });
  const getNamespace = () => (opts.namespace ? Promise.resolve(opts.namespace) : lookUpNamespace());

  return {
    async write(record) {
      if (typeof record.eventId !== "string" || record.eventId.trim() === "") {
        throw new AuditError("audit record needs a non-empty eventId");
      }
      let body: string;
      try {
        body = JSON.stringify(redact(record), null, 2);
      } catch {
        throw new AuditError(`audit record for event ${record.eventId} cannot be serialised as JSON`);
      }
      const [base, ns] = await Promise.all([getEndpoint(), getNamespace()]);
      const objectName = auditObjectName(record.eventId, now());
      const what = `audit object ${objectName} in bucket ${opts.bucket}`;
      const url = `${base}/n/${encodeURIComponent(ns)}/b/${encodeURIComponent(opts.bucket)}/o/${encodeURIComponent(objectName)}`;
      try {
        await callOci(
          what,
          async (attempt) => {
            try {
              // PutObject bodies stay out of the signature, as the SDK sends them.
              await signedRequest(
                { method: "PUT", url, headers: { "content-type": "application/json", "if-none-match": "*" }, body },
                { unsignedBody: true },
              );
            } catch (err) {
              // The name is fresh, so after a retry a 412 means an earlier try stored the record after all.
              if (attempt > 1 && (err as { statusCode?: number }).statusCode === 412) return;
              throw err;
            }
          },
          { log: opts.log, policy: opts.retry },
        );
      } catch (err) {
        throw toAuditError(err, what, ns, opts.bucket);
      }
      opts.log.info({ bucket: opts.bucket, objectName, eventId: record.eventId }, "audit record stored");
      return objectName;
    },
  };
}

function toAuditError(err: unknown, what: string, ns: string, bucket: string): Error {
  if (err instanceof OciTransientError) return new AuditError(`${what}: Object Storage unavailable after retries (${err.detail})`);
  if (!(err instanceof OciRequestError)) return err instanceof Error ? err : new Error(String(err));
  switch (err.status) {
    case 401:
    case 403:
    case 404:
      return new AuditError(`audit bucket ${bucket} in namespace ${ns}: not found or not authorized (${err.status})`);
    case 412:
      return new AuditError(`${what} already exists; not overwritten (412)`);
    default:
      return new AuditError(err.message);
  }
}
