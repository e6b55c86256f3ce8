import { join } from "node:path";
import { authorizeRequest, type Target } from "../../src/governance/authorize";
import { ElSandbox } from "./el-sandbox";
import { describeRequest, httpSender, type Exchanged } from "./exchange";
import type { RenderedRequest } from "./request-renderer";
import { runReadOperation, type RunProgress } from "./connector-run";
import type { MappedRecord } from "./response-mapping";
import { applicationsDir, folderNames, loadRequestTemplate, loadResponseTemplate, loadSchemaFile } from "./template-loader";

/**
 * Runs a SEARCH or GET request template against a live or local target and maps the answers through the
 * response template, as the Access Governance connector would: what a template author needs to see
 * before uploading.
 */

export const PREVIEW_OPERATIONS = ["SEARCH", "GET"] as const;
export type PreviewOperation = (typeof PREVIEW_OPERATIONS)[number];

export interface PreviewOptions {
  templatesRoot: string;
  app: string;
  entity: string;
  operation: PreviewOperation;
  /** GET: the record's uid, bound as attributes.get('uid').get(0). */
  id?: string;
  /** More values for `attributes` (name → values). */
  attributes?: Record<string, string[]>;
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
  const loc = { app: o.app, entity: o.entity, operation: o.operation } as const;
  // The request template exactly as the request function would hand it to Access Governance.
  const request = loadRequestTemplate(root, loc, (raw, file) => authorizeRequest(raw, o.target, o.authorization, file));
  const response = loadResponseTemplate(root, loc);
  if (!response) throw new PreviewError(`${o.app}/${o.entity} has no ${o.operation} response template: nothing to map`);
  const schema = loadSchemaFile(root, o.app)?.schemaTemplates.find((t) => t.name === o.entity);
  const sensitive = new Set((schema?.attributes ?? []).filter((a) => a.nature?.includes("SENSITIVE")).map((a) => a.name) ?? []);
  const attributes: Record<string, string[]> = { ...o.attributes, ...(o.id ? { uid: [o.id] } : {}) };
  const send = httpSender(o.timeoutMs ?? 30_000);
  const traced = async (r: RenderedRequest): Promise<Exchanged> => {
    const answer = await send(r);
    o.onRequest?.(describeRequest(r), answer.status);
    return answer;
  };
  const result = await runReadOperation(request, response, {
    attributes,
    send: traced,
    sandbox: new ElSandbox({ timeoutMs: o.elTimeoutMs }),
    pageSize: o.pageSize ?? 25,
    maxPages: o.maxPages ?? 1000,
    ...(o.limit !== undefined ? { recordLimit: o.limit } : {}),
    ...(o.onPage ? { onPage: o.onPage } : {}),
  });
  const columns = (response.attributes ?? []).map((a) => a.name);
  const masked = columns.filter((c) => sensitive.has(c));
  const records = result.records.map((r) => {
    const copy = { ...r };
    for (const c of masked) if ((copy[c] ?? []).length > 0) copy[c] = [MASK];
    return copy;
  });
  return { columns, records, masked, pages: result.pages, requests: result.requests };
}
