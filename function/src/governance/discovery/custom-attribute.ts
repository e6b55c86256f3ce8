/**
 * A custom identity attribute found on the connected system at run time (Access Governance's DayN "Fetch
 * Attributes"), already mapped to Access Governance's vocabulary. `name` is safe to splice into a JSONPath
 * and a query value: each discoverer admits only names of a fixed character set.
 */
export interface CustomAttribute {
  /** The attribute's name in Access Governance (and in the target's JSON). */
  name: string;
  dataType: "TEXT" | "NUMBER" | "DECIMAL_NUMBER" | "DATE" | "FLAG";
  multiValued: boolean;
}

/** Raised by a discoverer for an answer it cannot use; the message names what is wrong, never a credential. */
export class DiscoveryError extends Error {
  override name = "DiscoveryError";
}

/** One authenticated JSON exchange with the connected system (path relative to its base URL). */
export type DiscoveryFetch = (method: "GET" | "POST", path: string, body?: unknown) => Promise<unknown>;

/** How one application publishes its custom identity attributes and how its templates read them. */
export interface DiscoveryProfile {
  /** The identity (ACCOUNT) class of the application's schema template. */
  identityEntity: string;
  discover(fetch: DiscoveryFetch): Promise<CustomAttribute[]>;
  /** The response template's value for the attribute, for a SEARCH page item or a GET document. */
  responseValue(attr: CustomAttribute, operation: "SEARCH" | "GET"): string;
  /** A request query parameter that must list the attribute for the target to return it (Graph's $select). */
  selectParameter?: string;
}
