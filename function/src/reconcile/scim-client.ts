import { z } from "zod";
import { httpExchange } from "../net/http";
import { withRetry, type RetryPolicy } from "../net/retry";
import { rowsSchema } from "../ords/envelope";
import type { TokenSource } from "../oauth/token-source";

/** A SCIM read that failed; names the resource and page, never a token. */
export class ScimError extends Error {
  override name = "ScimError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const listResponse = z.object({
  totalResults: z.number().int().min(0),
  startIndex: z.number().int().min(1).optional(),
  itemsPerPage: z.number().int().min(0).optional(),
  Resources: rowsSchema.default([]),
});

export interface ScimClientOptions {
  /** Identity domain URL, https://idcs-….identity.oraclecloud.com */
  domainUrl: string;
  tokens: TokenSource;
  pageSize: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/**
 * Read-only SCIM 2.0 client for an identity domain's admin API: one list query paged with startIndex/count
 * (RFC 7644 §3.4.2.4) until totalResults is reached; transient statuses retried, 401 answered by one fresh
 * token.
 */
export class ScimClient {
  /** GET requests sent to /admin/v1 (for the run's report). */
  calls = 0;

  constructor(private readonly o: ScimClientOptions) {}

  /** Every resource of `/admin/v1/<resource>` that matches, one page at a time. */
  async *list(
    resource: "Users" | "Groups",
    /** maxCount: fewer per page than the client's page size (never more). */
    query: { attributes: string; filter?: string; sortBy?: string; maxCount?: number },
    deadline: Date | null,
  ): AsyncGenerator<{ resources: Record<string, unknown>[]; total: number }> {
    const { maxCount = Infinity, ...rest } = query;
    const count = Math.min(this.o.pageSize, maxCount);
    for (let startIndex = 1; ; ) {
      const page = await this.page(resource, { ...rest, startIndex, count }, deadline);
      if (page.Resources.length > 0) yield { resources: page.Resources, total: page.totalResults };
      startIndex += page.Resources.length;
      // An empty page before totalResults means the set shrank while we read it: stop rather than spin.
      if (page.Resources.length === 0 || startIndex > page.totalResults) return;
    }
  }

  private async page(
    resource: string,
    q: { attributes: string; filter?: string; sortBy?: string; startIndex: number; count: number },
    deadline: Date | null,
  ): Promise<z.infer<typeof listResponse>> {
    const url = new URL(`${this.o.domainUrl}/admin/v1/${resource}`);
    url.searchParams.set("attributes", q.attributes);
    if (q.filter) url.searchParams.set("filter", q.filter);
    if (q.sortBy) {
      url.searchParams.set("sortBy", q.sortBy);
      url.searchParams.set("sortOrder", "ascending");
    }
    url.searchParams.set("startIndex", String(q.startIndex));
    url.searchParams.set("count", String(q.count));
    const where = `${resource} page startIndex=${q.startIndex}`;
    const send = () =>
      withRetry(
        async () => {
          this.calls++;
          return httpExchange(url.toString(), {
            method: "GET",
            headers: { Accept: "application/scim+json, application/json", Authorization: `Bearer ${await this.o.tokens.get(deadline)}` },
            timeoutMs: this.o.timeoutMs ?? 30000,
            what: `identity domain ${where}`,
          });
        },
        { deadline, policy: this.o.retry, onRetry: this.o.onRetry },
      );
    let res = await send();
    if (res.status === 401) {
      this.o.tokens.invalidate();
      res = await send();
    }
    if (res.status !== 200) {
      throw new ScimError(`identity domain ${url.host} answered ${res.status} for the ${where}${scimDetail(res.text)}`, res.status);
    }
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new ScimError(`identity domain ${url.host} sent a ${where} that is not JSON`, res.status);
    }
    const parsed = listResponse.safeParse(body);
    if (!parsed.success) throw new ScimError(`identity domain ${url.host} sent a ${where} that is not a SCIM ListResponse`, res.status);
    return parsed.data;
  }
}

/** The SCIM error's own detail (RFC 7644 §3.12), which says what was wrong with the request. */
function scimDetail(text: string): string {
  try {
    const d = z.object({ detail: z.string() }).parse(JSON.parse(text)).detail;
    return `: ${d.slice(0, 200)}`;
  } catch {
    return "";
  }
}
