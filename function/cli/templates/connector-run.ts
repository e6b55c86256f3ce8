import type { ResponseTemplate, RequestTemplate } from "./template-types";
import { pageThrough, type PagingDeps } from "./paging";
import { mapPage, subResponseKey, type MappedRecord, type SubResponses } from "./response-mapping";

/** Progress after each main page: for a progress line. */
export interface RunProgress {
  page: number;
  records: number;
  requests: number;
}

export interface RunOptions extends PagingDeps {
  attributes: Record<string, unknown>;
  /** Stop once this many records are mapped (the page in progress is cut). */
  recordLimit?: number;
  onPage?: (p: RunProgress) => void;
}

export interface RunResult {
  records: MappedRecord[];
  pages: number;
  requests: number;
}

/**
 * A read operation end to end: main request pages, each page's sub-requests for every parent item
 * (`parentCurrentIndex`), and the response template applied to it all.
 */
export async function runReadOperation(
  request: RequestTemplate,
  response: ResponseTemplate | undefined,
  o: RunOptions,
): Promise<RunResult> {
  const records: MappedRecord[] = [];
  let pages = 0;
  let requests = 0;
  const subItems = (id: string) => response?.attributes?.find((a) => a.responseOfSubRequestId === id)?.items;
  const scope = { attributes: o.attributes, parentRequestResponseHeaders: {} };
  for await (const page of pageThrough(request, response?.items, response?.responseValues, scope, o)) {
    pages++;
    requests++;
    const itemCount = page.items?.length;
    if (itemCount === 0) break;
    const subResponses: SubResponses = new Map();
    const parents = Math.min(itemCount ?? 1, o.recordLimit !== undefined ? o.recordLimit - records.length : Infinity);
    for (let parentIndex = 0; parentIndex < parents; parentIndex++) {
      for (const sub of request.subRequests ?? []) {
        const bodies: unknown[] = [];
        const subScope = {
          attributes: o.attributes,
          parentRequestResponseHeaders: page.response.headers,
          parent: { document: page.response.document, currentIndex: parentIndex },
        };
        const items = subItems(sub.id);
        for await (const subPage of pageThrough(sub, items, undefined, subScope, o)) {
          requests++;
          if (subPage.items === undefined || subPage.items.length > 0) bodies.push(subPage.response.document);
        }
        subResponses.set(subResponseKey(parentIndex, sub.id), bodies);
      }
    }
    if (response) {
      const itemsToMap = itemCount === undefined ? undefined : parents;
      records.push(...mapPage(response, page.response.document, itemsToMap, subResponses, o.attributes, o.sandbox));
    }
    o.onPage?.({ page: pages, records: records.length, requests });
    if (o.recordLimit !== undefined && records.length >= o.recordLimit) break;
  }
  return { records, pages, requests };
}
