import { join } from "node:path";
import { authorizeRequest, type Target } from "../../src/governance/authorize";
import { ElSandbox } from "./el-sandbox";
import { describeRequest, httpSender, type Exchanged } from "./exchange";
import type { ExpressionMode } from "./expressions";
import { renderRequest, type RenderedRequest } from "./request-renderer";
import { runReadOperation, type RunProgress } from "./connector-run";
import { mapPage, type MappedRecord } from "./response-mapping";
import { CHILD_DATA_OPERATIONS, OPERATIONS, type Operation } from "./vocabulary";
import { applicationsDir, folderNames, loadRequestTemplate, loadResponseTemplate, loadSchemaFile } from "./template-loader";

/**
 * Runs a request template against a live or local target and maps the answers through the response
 * template, as the Access Governance connector would: what a template author needs to see before
 * uploading. SEARCH and GET are sent; the write operations are rendered and shown, and sent only when
 * asked (`send`).
 */

export const PREVIEW_OPERATIONS = OPERATIONS;
export type PreviewOperation = Operation;
const READ_OPERATIONS: readonly Operation[] = ["SEARCH", "GET"];

export interface PreviewOptions {
  templatesRoot: string;
  app: string;
  entity: string;
  operation: PreviewOperation;
  /** ADD_CHILD_DATA / REMOVE_CHILD_DATA: the multivalued attribute (contextData), i.e. the template folder. */
  childAttribute?: string;
  /** The record's uid, bound as attributes.get('uid').get(0). */
  id?: string;
  /** Default "emulator": evaluate as Oracle's grc-test-infra does; "strict" refuses what it would get wrong. */
  mode?: ExpressionMode;
  /** Write operations: send the rendered request (default: only show it). */
  send?: boolean;
  /** More values for `attributes`: name → values, or name → {sub-attribute → values} for child data
   * (attributes.get('groups').get('uid').get(0)). */
  attributes?: Record<string, string[] | Record<string, string[]>>;
  /** Where the connected system lives: set on every request as the template functions do. */
  target: Target;
  /** Value for every Authorization header, e.g. "Bearer …" or "Basic …". */
  authorization: string;
  pageSize?: number;
  /** Stop after this many records. */
  limit?: number;
  maxPages?: number;
  timeoutMs?: number;
  elTimeoutMs?: number;
  onPage?: (p: RunProgress) => void;
  /** Called after each request with `METHOD origin/path` (no query string, no headers) and the status. */
  onRequest?: (what: string, status: number) => void;
}

export interface PreviewResult {
  /** Response template attribute names, in template order. */
  columns: string[];
  /** Mapped records; values of SENSITIVE schema attributes are masked. */
  records: MappedRecord[];
  /** Columns whose values were masked. */
  masked: string[];
  pages: number;
  requests: number;
  /** Write operations: the rendered request, Authorization masked (sent only with `send`). */
  rendered?: RenderedRequest;
}

export class PreviewError extends Error {
  override name = "PreviewError";
}

export const MASK = "••••••";

export async function runPreview(o: PreviewOptions): Promise<PreviewResult> {
  const root = o.templatesRoot;
  const apps = folderNames(applicationsDir(root, "request"));
  if (!apps.includes(o.app)) throw new PreviewError(`no request templates for application ${o.app} (have: ${apps.join(", ") || "none"})`);
  const entities = folderNames(join(applicationsDir(root, "request"), o.app));
  if (!entities.includes(o.entity)) {
    throw new PreviewError(`application ${o.app} has no entity ${o.entity} (have: ${entities.join(", ") || "none"})`);
  }
  if (o.operation === "GET" && !o.id) throw new PreviewError("GET needs the record's id (--id)");
  const child = CHILD_DATA_OPERATIONS.has(o.operation);
  if (child && !o.childAttribute) throw new PreviewError(`${o.operation} needs the multivalued attribute it changes (--child, e.g. groups)`);
  const loc = { app: o.app, entity: o.entity, operation: o.operation, ...(child ? { childAttribute: o.childAttribute } : {}) };
  // The request template exactly as the request function would hand it to Access Governance.
  const request = loadRequestTemplate(root, loc, (raw, file) => authorizeRequest(raw, o.target, o.authorization, file));
  const response = loadResponseTemplate(root, loc);
  const schema = loadSchemaFile(root, o.app)?.schemaTemplates.find((t) => t.name === o.entity);
  const sensitive = new Set((schema?.attributes ?? []).filter((a) => a.nature?.includes("SENSITIVE")).map((a) => a.name) ?? []);
  const attributes: Record<string, unknown> = { ...o.attributes, ...(o.id ? { uid: [o.id] } : {}) };
  const send = httpSender(o.timeoutMs ?? 30_000);
  const traced = async (r: RenderedRequest): Promise<Exchanged> => {
    const answer = await send(r);
    o.onRequest?.(describeRequest(r), answer.status);
    return answer;
  };
  const sandbox = new ElSandbox({ timeoutMs: o.elTimeoutMs });
  const mode = o.mode ?? "emulator";
  const columns = (response?.attributes ?? []).map((a) => a.name);
  const masked = columns.filter((c) => sensitive.has(c));
  const mask = (records: MappedRecord[]) =>
    records.map((r) => {
      const copy = { ...r };
      for (const c of masked) if ((copy[c] ?? []).length > 0) copy[c] = [MASK];
      return copy;
    });
  if (!READ_OPERATIONS.includes(o.operation)) {
    // A write changes the target: render it as the connector would, and send it only when asked.
    const el = (source: string) => sandbox.evaluate(source, { attributes, parentRequestResponseHeaders: {}, previousRequestResponseHeaders: {} });
    const rendered = renderRequest(request, { el, jp: null, mode });
    if (!rendered) throw new PreviewError(`${o.operation}: the path or a query parameter evaluates to a missing value; the connector would not send it`);
    const shown = { ...rendered, headers: Object.fromEntries(Object.entries(rendered.headers).map(([k, v]) => [k, k.toLowerCase() === "authorization" ? maskCredential(v) : v])) };
    if (!o.send) return { columns, records: [], masked, pages: 0, requests: 0, rendered: shown };
    const answer = await traced(rendered);
    const records = response ? mapPage(response, answer.document, undefined, new Map(), attributes, sandbox) : [];
    return { columns, records: mask(records), masked, pages: 1, requests: 1, rendered: shown };
  }
  if (!response) throw new PreviewError(`${o.app}/${o.entity} has no ${o.operation} response template: nothing to map`);
  const result = await runReadOperation(request, response, {
    attributes,
    send: traced,
    sandbox,
    mode,
    pageSize: o.pageSize ?? 25,
    maxPages: o.maxPages ?? 1000,
    ...(o.limit !== undefined ? { recordLimit: o.limit } : {}),
    ...(o.onPage ? { onPage: o.onPage } : {}),
  });
  return { columns, records: mask(result.records), masked, pages: result.pages, requests: result.requests };
}

/** "Bearer abc…" → "Bearer ••••••": what is shown of a credential. */
function maskCredential(value: string): string {
  const scheme = /^(\S+)\s/.exec(value)?.[1];
  return scheme ? `${scheme} ${MASK}` : MASK;
}
