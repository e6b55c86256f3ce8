import type { Logger } from "../log/logger";
import type { RetryPolicy } from "../net/retry";
import { callOci, OciRequestError, OciTransientError } from "../oci/call";
import { onceAsync } from "../oci/once";
import { regionalEndpoint, sendSigned, signedRequest, signRequest, withUnsignedBody } from "../oci/signed-request";
import { auditObjectName } from "./object-name";
import { redactedJson } from "./redact";

/** Built by the caller: event id, type, principal, outcome, statements (already redacted). */
export interface AuditRecord {
  [k: string]: unknown;
}

export interface AuditSink {
  /** Stores one record as a new object; resolves to the object name. */
  write(record: AuditRecord & { eventId: string; eventTime?: string }): Promise<string>;
  /**
   * Starts the upload of an event's record before the record exists: the object is named and its PUT signed
   * (on the thread pool) now, while the event's other calls are on the wire, so storing the record at the end
   * costs one round trip and no RSA signature. A signature older than a minute is made again. The object is
   * dated by begin(); unlike write(), storing logs no line of its own (the caller's event line names it).
   */
  begin(eventId: string): AuditUpload;
}

export interface AuditUpload {
  /** As AuditSink.write, for the event begin() was called for. */
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

  const PUT_HEADERS = { "content-type": "application/json", "if-none-match": "*" };
  // PutObject bodies stay out of the signature, as the SDK sends them: so the PUT can be signed before the body exists.
  const signPut = (url: string) => signRequest({ method: "PUT", url, headers: PUT_HEADERS }, { unsignedBody: true });

  /** `announce`: log the stored object on a line of its own (a caller that logs the name itself does not). */
  const start = (eventId: string, announce: boolean): AuditUpload => {
    const at = now();
    const target = (async () => {
      const [base, ns] = await Promise.all([getEndpoint(), getNamespace()]);
      const objectName = auditObjectName(eventId, at);
      return { ns, objectName, url: `${base}/n/${encodeURIComponent(ns)}/b/${encodeURIComponent(opts.bucket)}/o/${encodeURIComponent(objectName)}` };
    })();
    const presigned = target.then((t) => signPut(t.url));
    // Failures surface in write(), which awaits (or re-makes) both.
    target.catch(() => undefined);
    presigned.catch(() => undefined);
    return {
      async write(record) {
        if (typeof record.eventId !== "string" || record.eventId.trim() === "") {
          throw new AuditError("audit record needs a non-empty eventId");
        }
        let body: string;
        try {
          body = redactedJson(record);
        } catch {
          throw new AuditError(`audit record for event ${record.eventId} cannot be serialised as JSON`);
        }
        const { ns, objectName, url } = await target;
        const what = `audit object ${objectName} in bucket ${opts.bucket}`;
        try {
          await callOci(
            what,
            async (attempt) => {
              const early = attempt === 1 ? await presigned.catch(() => undefined) : undefined;
              const ready = early && Date.now() - early.signedAt < PRESIGNED_MAX_AGE_MS ? early : await signPut(url);
              try {
                await sendSigned(withUnsignedBody(ready, body));
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
        if (announce) opts.log.info({ bucket: opts.bucket, objectName, eventId: record.eventId }, "audit record stored");
        return objectName;
      },
    };
  };

  return { begin: (eventId) => start(eventId, false), write: (record) => start(record.eventId, true).write(record) };
}

/** Well inside the 5 minutes of clock skew OCI accepts. */
const PRESIGNED_MAX_AGE_MS = 60_000;

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
