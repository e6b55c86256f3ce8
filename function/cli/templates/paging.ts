import type { ElSandbox } from "./el-sandbox";
import type { Exchanged, Send } from "./exchange";
import { describeRequest } from "./exchange";
import { evaluateTemplateString, type ExpressionEnv, type ExpressionMode } from "./expressions";
import { evaluateJsonPath } from "./jsonpath";
import { renderRequest } from "./request-renderer";
import type { KeyValue, RequestTemplate } from "./template-types";
import type { PaginationType } from "./vocabulary";

/**
 * Runs one request template page by page, the way the connector does:
 * - OFFSET binds `currentOffset` (1, then +pageSize) and `limit`; PAGE_INCREMENT binds `currentPage`
 *   (1, 2, …) and `pageSize`; PAGE_TOKEN binds `pageSize` and expects the response's `responseValues`
 *   (e.g. `token`) to come back in `previousRequestResponseHeaders`;
 * - paging goes on while a pagination type is set and the page's items are not empty; a PAGE_TOKEN chain
 *   also ends when no response value is left (the token ran out), and any request ends when its path or
 *   query evaluates to a missing value.
 * A request identical to the previous page's, or more than `maxPages` pages, is an error rather than a
 * loop.
 */

export class PagingError extends Error {
  override name = "PagingError";
}

export interface Page {
  response: Exchanged;
  /** The records of this page; undefined when there is no items path (the whole body is one record). */
  items: unknown[] | undefined;
}

export interface PagingScope {
  attributes: Record<string, unknown>;
  parentRequestResponseHeaders: Record<string, string[]>;
  /** A sub-request's parent page: its `<JP>` read this document. */
  parent?: { document: unknown; currentIndex: number };
}

export interface PagingDeps {
  send: Send;
  sandbox: ElSandbox;
  pageSize: number;
  maxPages: number;
  /** How expressions are evaluated (default "strict"). */
  mode?: ExpressionMode;
}

export function paginationVariables(type: PaginationType | undefined, pageIndex: number, pageSize: number): Record<string, number> {
  switch (type) {
    case "OFFSET":
      return { currentOffset: 1 + pageIndex * pageSize, limit: pageSize };
    case "PAGE_INCREMENT":
      return { currentPage: 1 + pageIndex, pageSize };
    case "PAGE_TOKEN":
      return { pageSize };
    default:
      return {};
  }
}

/** `items` (`<JP>…</JP>`) applied to a page: the array of records, empty when nothing matched. */
export function selectItems(itemsTemplate: string, document: unknown): unknown[] {
  const path = /^<JP>([\s\S]*)<\/JP>$/.exec(itemsTemplate.trim())?.[1];
  if (path === undefined) throw new PagingError(`items must be <JP>…</JP>, got ${itemsTemplate}`);
  const r = evaluateJsonPath(path, document);
  if (!r.definite) return r.values;
  if (r.value === null || r.value === undefined) return [];
  if (!Array.isArray(r.value)) throw new PagingError(`items ${path} selects a ${typeof r.value}, not an array`);
  return r.value;
}

export async function* pageThrough(
  template: RequestTemplate,
  itemsTemplate: string | undefined,
  responseValues: KeyValue[] | undefined,
  scope: PagingScope,
  deps: PagingDeps,
): AsyncGenerator<Page> {
  const previous: Record<string, string[]> = {};
  let lastKey = "";
  for (let n = 1; ; n++) {
    const variables = {
      attributes: scope.attributes,
      parentRequestResponseHeaders: scope.parentRequestResponseHeaders,
      previousRequestResponseHeaders: previous,
      ...(scope.parent ? { parentCurrentIndex: scope.parent.currentIndex } : {}),
      ...paginationVariables(template.paginationType, n - 1, deps.pageSize),
    };
    const el = (source: string) => deps.sandbox.evaluate(source, variables);
    const parentDocument = scope.parent?.document;
    const env: ExpressionEnv = { el, jp: scope.parent ? (p) => evaluateJsonPath(p, parentDocument) : null, mode: deps.mode };
    const request = renderRequest(template, env);
    if (!request) return;
    const key = `${request.method} ${request.url}\n${request.body ?? ""}`;
    if (key === lastKey) {
      throw new PagingError(`request ${template.id}: page ${n} would repeat page ${n - 1} (${describeRequest(request)}); the pagination parameters do not advance`);
    }
    lastKey = key;
    const response = await deps.send(request);
    Object.assign(previous, response.headers);
    const items = itemsTemplate ? selectItems(itemsTemplate, response.document) : undefined;
    let tokenLeft = false;
    const pageEnv: ExpressionEnv = { el, jp: (p) => evaluateJsonPath(p, response.document), mode: deps.mode };
    for (const rv of responseValues ?? []) {
      let r;
      try {
        r = evaluateTemplateString(rv.value, pageEnv);
      } catch (err) {
        if (err instanceof Error) err.message = `response value ${rv.name}: ${err.message}`;
        throw err;
      }
      const values = r.kind === "list" ? r.values : r.kind === "value" && r.text !== null ? [r.text] : [];
      if (values.length > 0) {
        previous[rv.name] = values;
        tokenLeft = true;
      } else delete previous[rv.name];
    }
    yield { response, items };
    const type = template.paginationType;
    const more = type !== undefined && items !== undefined && items.length > 0 && (type !== "PAGE_TOKEN" || tokenLeft);
    if (!more) return;
    if (n >= deps.maxPages) {
      throw new PagingError(`request ${template.id}: still more data after ${deps.maxPages} pages; raise the page limit or check the stop condition`);
    }
  }
}
