/**
 * Fault injection and request counting for the SCIM test server. A rule answers matching requests with an
 * error `times` times, then lets them through; `query` pins a rule to one page (e.g. startIndex 101).
 */
export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Path prefix to match, e.g. "/admin/v1/Users" or "/oauth2/v1/token" (any when absent). */
  path?: string;
  /** Query parameters that must all be present with these values. */
  query?: Record<string, string>;
  /** Status to answer with (a SCIM error body is sent), or "drop" to destroy the connection. */
  status: number | "drop";
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Retry-After header value in seconds. */
  retryAfterSeconds?: number;
}

export interface ArmedFault {
  readonly rule: FaultRule;
  /** Failures still to come. */
  remaining: number;
  /** Failures already delivered. */
  fired: number;
}

export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
}

export class Faults {
  private armed: ArmedFault[] = [];

  /** Arms a rule; returns a handle whose counters show how often it fired. */
  inject(rule: FaultRule): ArmedFault {
    const armed: ArmedFault = { rule, remaining: rule.times ?? 1, fired: 0 };
    this.armed.push(armed);
    return armed;
  }

  clear(): void {
    this.armed = [];
  }

  /** The first armed rule matching the request, consumed once; undefined when the request passes. */
  take(req: RequestInfo): FaultRule | undefined {
    const hit = this.armed.find(
      (a) =>
        a.remaining > 0 &&
        (!a.rule.method || a.rule.method.toUpperCase() === req.method) &&
        (!a.rule.path || req.path.startsWith(a.rule.path)) &&
        Object.entries(a.rule.query ?? {}).every(([k, v]) => req.query.get(k) === v),
    );
    if (!hit) return undefined;
    hit.remaining--;
    hit.fired++;
    return hit.rule;
  }
}

/** Counts requests by route ("GET /admin/v1/Users", "POST /oauth2/v1/token", "GET /admin/v1/Users/{id}"). */
export class RequestCounters {
  private readonly byRoute = new Map<string, number>();
  total = 0;

  record(route: string): void {
    this.total++;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  get(route: string): number {
    return this.byRoute.get(route) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.byRoute);
  }

  reset(): void {
    this.total = 0;
    this.byRoute.clear();
  }
}
