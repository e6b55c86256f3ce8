import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Faults, RequestCounters } from "./faults";
import { matches, parseFilter, referencedRoots, splitPath, valuesAt, type Filter } from "./filter";
import { parsePatch, patchGroup, patchUser } from "./patch";
import { parseGroup, parseUser, renderGroup, renderUser, REQUEST_ONLY, URN } from "./resources";
import { allowedValues, schemaResources } from "./schemas";
import { ScimConflict, ScimStore, type GroupRecord, type UserRecord } from "./store";

export interface ScimClient {
  clientId: string;
  clientSecret: string;
}

export interface ScimServerOptions {
  /** OAuth clients allowed at /oauth2/v1/token. Default: one client "scim-client" / "scim-secret". */
  clients?: ScimClient[];
  /** Lifetime of issued access tokens (expires_in). Default 3600. */
  tokenTtlSeconds?: number;
  /** Scopes a token request may ask for. Default ["urn:opc:idm:__myscopes__"]. */
  scopes?: string[];
  /** Largest page served whatever `count` asks (identity domains cap at 1000). */
  maxPageSize?: number;
  /** Page size when `count` is absent. Default 50. */
  defaultPageSize?: number;
  /** Require a bearer token on /admin/v1 (default true). */
  requireAuth?: boolean;
  port?: number;
}

export interface ScimServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** host:port, for templates' uri.host. */
  readonly host: string;
  readonly store: ScimStore;
  readonly faults: Faults;
  readonly counters: RequestCounters;
  /** Tokens issued so far (for asserting caching on the client side). */
  readonly tokensIssued: () => number;
  /** Makes every issued token invalid (the next API call gets 401). */
  revokeTokens(): void;
  close(): Promise<void>;
}

type Kind = "User" | "Group";
type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MAX_BODY = 5 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new HttpError(413, "request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "request body is not JSON", "invalidSyntax");
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, type = "application/scim+json"): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { "Content-Type": type } : {}), ...headers });
  res.end(text);
}

function scimError(res: ServerResponse, status: number, detail: string, scimType?: string, headers: Record<string, string> = {}): void {
  send(res, status, { schemas: [URN.error], status: String(status), ...(scimType ? { scimType } : {}), detail }, headers);
}

/** Parses `attributes` / `excludedAttributes` (comma-separated, as query values or SearchRequest arrays). */
function attrList(v: string | string[] | null | undefined): string[][] | undefined {
  if (v === null || v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean);
  return items.length ? items.map((s) => splitPath(s)) : undefined;
}

/** Copies one path from a rendered resource into the projection (arrays keep their element order). */
function copyPath(src: unknown, dst: Json, path: string[]): void {
  if (src === null || typeof src !== "object" || Array.isArray(src)) return;
  const key = Object.keys(src).find((k) => k.toLowerCase() === path[0]);
  if (key === undefined) return;
  const v = (src as Json)[key];
  if (path.length === 1) {
    dst[key] = v;
  } else if (Array.isArray(v)) {
    const arr = (Array.isArray(dst[key]) ? dst[key] : v.map(() => ({}))) as Json[];
    v.forEach((el, i) => copyPath(el, arr[i], path.slice(1)));
    dst[key] = arr;
  } else if (v && typeof v === "object") {
    const sub = (dst[key] && typeof dst[key] === "object" ? dst[key] : {}) as Json;
    copyPath(v, sub, path.slice(1));
    dst[key] = sub;
  }
}

function project(full: Json, attributes?: string[][], excluded?: string[][]): Json {
  if (attributes) {
    const out: Json = { schemas: full.schemas, id: full.id };
    for (const p of attributes) copyPath(full, out, p);
    return out;
  }
  if (excluded) {
    const out = structuredClone(full);
    for (const p of excluded) {
      if (p.length === 1 && p[0] !== "id" && p[0] !== "schemas") {
        const key = Object.keys(out).find((k) => k.toLowerCase() === p[0]);
        if (key) delete out[key];
      }
    }
    return out;
  }
  return full;
}

interface ListQuery {
  filter?: string;
  startIndex?: number;
  count?: number;
  sortBy?: string;
  sortOrder?: string;
  attributes?: string[][];
  excluded?: string[][];
}

function intParam(name: string, v: string | number | null | undefined): number | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new HttpError(400, `${name} must be an integer`, "invalidValue");
  return n;
}

/**
 * Starts a SCIM 2.0 identity-domain server on 127.0.0.1: OAuth client credentials at /oauth2/v1/token, Users
 * and Groups under /admin/v1 (list/filter/paging/projection, get, create, replace, patch, delete),
 * UserStatusChanger, Schemas; fault injection and request counters for tests.
 */
export async function startScimServer(opts: ScimServerOptions = {}): Promise<ScimServer> {
  const store = new ScimStore();
  const faults = new Faults();
  const counters = new RequestCounters();
  const clients = opts.clients ?? [{ clientId: "scim-client", clientSecret: "scim-secret" }];
  const scopes = opts.scopes ?? ["urn:opc:idm:__myscopes__"];
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const maxPage = opts.maxPageSize ?? 1000;
  const defaultPage = opts.defaultPageSize ?? 50;
  const tokens = new Map<string, number>();
  let issued = 0;
  let base = "";

  function issueToken(req: IncomingMessage, text: string): Json {
    const form = new URLSearchParams(text);
    let id = form.get("client_id");
    let secret = form.get("client_secret");
    const auth = req.headers.authorization;
    if (auth?.startsWith("Basic ")) {
      const pair = Buffer.from(auth.slice(6), "base64").toString("utf8");
      const cut = pair.indexOf(":");
      id = decodeURIComponent(pair.slice(0, cut));
      secret = decodeURIComponent(pair.slice(cut + 1));
    }
    if (!clients.some((c) => c.clientId === id && c.clientSecret === secret)) {
      throw new HttpError(401, "invalid_client", undefined, { "WWW-Authenticate": 'Basic realm="oauth"' });
    }
    if (form.get("grant_type") !== "client_credentials") throw new HttpError(400, "unsupported_grant_type");
    const scope = form.get("scope");
    if (!scope || !scope.split(" ").every((s) => scopes.includes(s))) throw new HttpError(400, "invalid_scope");
    const token = randomBytes(24).toString("base64url");
    tokens.set(token, Date.now() + ttl * 1000);
    issued++;
    return { access_token: token, token_type: "Bearer", expires_in: ttl };
  }

  function checkBearer(req: IncomingMessage): void {
    if (opts.requireAuth === false) return;
    const auth = req.headers.authorization ?? "";
    const m = /^Bearer (.+)$/.exec(auth);
    const exp = m ? tokens.get(m[1]) : undefined;
    if (exp === undefined || exp < Date.now()) {
      throw new HttpError(401, "missing, invalid or expired bearer token", undefined, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    }
  }

  function render(kind: Kind, r: UserRecord | GroupRecord, withRequestOnly: boolean): Json {
    return kind === "User"
      ? renderUser(r as UserRecord, store, base, withRequestOnly)
      : renderGroup(r as GroupRecord, store, base, withRequestOnly);
  }

  function wantsRequestOnly(kind: Kind, attributes?: string[][]): boolean {
    return !!attributes?.some((p) => p[0] === REQUEST_ONLY[kind]);
  }

  /** Ids an indexed equality pins the filter to (id, ocid, userName, displayName, members.value, groups.value). */
  function candidates(kind: Kind, f: Filter): Iterable<string> | undefined {
    if (f.kind === "and") return candidates(kind, f.left) ?? candidates(kind, f.right);
    if (f.kind === "or") {
      const l = candidates(kind, f.left);
      const r = l && candidates(kind, f.right);
      return l && r ? new Set([...l, ...r]) : undefined;
    }
    if (f.kind !== "cmp" || f.op !== "eq" || typeof f.value !== "string") return undefined;
    const key = f.path.join(".");
    const v = f.value;
    const one = (id: string | undefined) => (id === undefined ? [] : [id]);
    if (key === "id") return [v];
    if (key === "ocid") return one(store.idForOcid(v));
    if (kind === "User" && key === "username") return one(store.userByName(v)?.id);
    if (kind === "Group" && key === "displayname") return one(store.groupByName(v)?.id);
    if (kind === "Group" && key === "members.value") return store.memberOf.get(v) ?? [];
    if (kind === "User" && key === "groups.value") return store.groups.get(v)?.members ?? [];
    return undefined;
  }

  const sortedCache = new Map<string, { revision: number; records: (UserRecord | GroupRecord)[] }>();

  /** sortBy/sortOrder (RFC 7644 §3.4.2.3); strings compare case-insensitively (caseExact=false). */
  function sorted(kind: Kind, records: (UserRecord | GroupRecord)[], q: ListQuery): (UserRecord | GroupRecord)[] {
    const path = splitPath(q.sortBy as string);
    const dir = q.sortOrder?.toLowerCase() === "descending" ? -1 : 1;
    const keyed = records.map((r) => ({ r, k: String(valuesAt(render(kind, r, false), path)[0] ?? "").toLowerCase() }));
    keyed.sort((a, b) => (a.k < b.k ? -dir : a.k > b.k ? dir : 0));
    return keyed.map((x) => x.r);
  }

  function list(kind: Kind, q: ListQuery): Json {
    const table: Map<string, UserRecord | GroupRecord> = kind === "User" ? store.users : store.groups;
    const filter = q.filter ? parseFilter(q.filter) : undefined;
    let ids: Iterable<string> = table.keys();
    const startIndex = Math.max(1, q.startIndex ?? 1);
    const count = Math.min(maxPage, Math.max(0, q.count ?? defaultPage));
    let selected: (UserRecord | GroupRecord)[];
    if (!filter && !q.sortBy) {
      // The common full scan: walk to the page without copying the whole table.
      const page: (UserRecord | GroupRecord)[] = [];
      let i = 0;
      for (const r of table.values()) {
        if (i++ < startIndex - 1) continue;
        if (page.length >= count) break;
        page.push(r);
      }
      return listResponse(kind, page, table.size, startIndex, q);
    }
    if (filter) {
      ids = candidates(kind, filter) ?? ids;
      const needsRequestOnly = referencedRoots(filter).has(REQUEST_ONLY[kind].toLowerCase());
      selected = [];
      for (const id of ids) {
        const r = table.get(id);
        if (r && matches(filter, render(kind, r, needsRequestOnly))) selected.push(r);
      }
    } else if (q.sortBy) {
      // A full listing sorted page by page: the order is computed once per store revision, not per page.
      const key = `${kind} ${q.sortBy} ${q.sortOrder ?? ""}`;
      const cached = sortedCache.get(key);
      if (cached?.revision === store.revision) selected = cached.records;
      else {
        selected = sorted(kind, [...table.values()], q);
        sortedCache.set(key, { revision: store.revision, records: selected });
      }
      return listResponse(kind, selected.slice(startIndex - 1, startIndex - 1 + count), selected.length, startIndex, q);
    } else {
      selected = [...table.values()];
    }
    if (q.sortBy) selected = sorted(kind, selected, q);
    return listResponse(kind, selected.slice(startIndex - 1, startIndex - 1 + count), selected.length, startIndex, q);
  }

  function listResponse(kind: Kind, page: (UserRecord | GroupRecord)[], totalResults: number, startIndex: number, q: ListQuery): Json {
    const withRequestOnly = wantsRequestOnly(kind, q.attributes);
    return {
      schemas: [URN.listResponse],
      totalResults,
      Resources: page.map((r) => project(render(kind, r, withRequestOnly), q.attributes, q.excluded)),
      startIndex,
      itemsPerPage: page.length,
    };
  }

  function requireRecord(kind: Kind, id: string): UserRecord | GroupRecord {
    return kind === "User" ? store.requireUser(id) : store.requireGroup(id);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "");
    const m = /^\/admin\/v1\/(Users|Groups|UserStatusChanger)(?:\/([^/]+))?$/.exec(path);
    const route = m ? `${method} /admin/v1/${m[1]}${m[2] === undefined ? "" : m[2] === ".search" ? "/.search" : "/{id}"}` : `${method} ${path.replace(/^\/admin\/v1\/Schemas\/.+$/, "/admin/v1/Schemas/{id}")}`;
    counters.record(route);

    const fault = faults.take({ method, path, query: url.searchParams });
    if (fault) {
      if (fault.status === "drop") {
        req.socket.destroy();
        return;
      }
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : {};
      scimError(res, fault.status, `injected fault ${fault.status}`, undefined, headers);
      return;
    }

    const text = await readBody(req);
    if (path === "/oauth2/v1/token" && method === "POST") {
      send(res, 200, issueToken(req, text), { "Cache-Control": "no-store" }, "application/json");
      return;
    }
    if (!path.startsWith("/admin/v1/")) throw new HttpError(404, `no route ${method} ${path}`);
    checkBearer(req);

    const schema = /^\/admin\/v1\/Schemas(?:\/([^/]+))?$/.exec(path);
    if (schema && method === "GET") {
      const all = schemaResources(base, store.customAttributes);
      if (schema[1] !== undefined) {
        const one = all.find((r) => r.id === decodeURIComponent(schema[1]));
        if (!one) throw new HttpError(404, `schema ${decodeURIComponent(schema[1])} not found`);
        send(res, 200, one);
        return;
      }
      const startIndex = Math.max(1, intParam("startIndex", url.searchParams.get("startIndex")) ?? 1);
      const count = Math.min(maxPage, Math.max(0, intParam("count", url.searchParams.get("count")) ?? defaultPage));
      const page = all.slice(startIndex - 1, startIndex - 1 + count);
      send(res, 200, { schemas: [URN.listResponse], totalResults: all.length, Resources: page, startIndex, itemsPerPage: page.length });
      return;
    }
    const allowed = /^\/admin\/v1\/AllowedValues\/([^/]+)$/.exec(path);
    if (allowed && method === "GET") {
      const doc = allowedValues(base, decodeURIComponent(allowed[1]));
      if (!doc) throw new HttpError(404, `no allowed values for ${decodeURIComponent(allowed[1])}`);
      send(res, 200, doc);
      return;
    }
    if (!m) throw new HttpError(404, `no route ${method} ${path}`);
    const [, collection, id] = m;

    if (collection === "UserStatusChanger") {
      if (method !== "PUT" || !id) throw new HttpError(405, `${method} not allowed on ${path}`);
      const body = parseJson(text) as Json;
      if (typeof body?.active !== "boolean") throw new HttpError(400, "active must be a JSON boolean", "invalidValue");
      const user = store.updateUser(id, { active: body.active });
      send(res, 200, { schemas: [URN.statusChanger], id: user.id, active: user.active, meta: { resourceType: "UserStatusChanger" } });
      return;
    }

    const kind: Kind = collection === "Users" ? "User" : "Group";
    if (id === undefined || id === ".search") {
      if (method === "GET" && id === undefined) {
        const q = url.searchParams;
        send(res, 200, list(kind, {
          filter: q.get("filter") ?? undefined,
          startIndex: intParam("startIndex", q.get("startIndex")),
          count: intParam("count", q.get("count")),
          sortBy: q.get("sortBy") ?? undefined,
          sortOrder: q.get("sortOrder") ?? undefined,
          attributes: attrList(q.get("attributes")),
          excluded: attrList(q.get("excludedAttributes")),
        }));
        return;
      }
      if (method === "POST" && id === ".search") {
        const b = parseJson(text) as Json;
        send(res, 200, list(kind, {
          filter: typeof b.filter === "string" ? b.filter : undefined,
          startIndex: intParam("startIndex", b.startIndex as number | undefined),
          count: intParam("count", b.count as number | undefined),
          sortBy: typeof b.sortBy === "string" ? b.sortBy : undefined,
          sortOrder: typeof b.sortOrder === "string" ? b.sortOrder : undefined,
          attributes: attrList(b.attributes as string[] | undefined),
          excluded: attrList(b.excludedAttributes as string[] | undefined),
        }));
        return;
      }
      if (method === "POST") {
        const body = parseJson(text);
        const created = kind === "User" ? createUser(body) : createGroup(body);
        send(res, 201, render(kind, created, kind === "Group"), { Location: `${base}/admin/v1/${collection}/${created.id}` });
        return;
      }
      throw new HttpError(405, `${method} not allowed on ${path}`);
    }

    const attributes = attrList(url.searchParams.get("attributes"));
    const excluded = attrList(url.searchParams.get("excludedAttributes"));
    switch (method) {
      case "GET": {
        const r = requireRecord(kind, id);
        send(res, 200, project(render(kind, r, wantsRequestOnly(kind, attributes)), attributes, excluded));
        return;
      }
      case "PUT": {
        const body = parseJson(text);
        if (kind === "User") {
          const parsed = parseUser(body);
          if (!parsed.ok) throw new HttpError(400, parsed.message, "invalidValue");
          store.replaceUser(id, parsed.value);
        } else {
          const parsed = parseGroup(body);
          if (!parsed.ok) throw new HttpError(400, parsed.message, "invalidValue");
          store.requireGroup(id);
          store.renameGroup(id, parsed.value.displayName, parsed.value.description);
          store.setMembers(id, parsed.value.members ?? []);
        }
        send(res, 200, render(kind, requireRecord(kind, id), kind === "Group"));
        return;
      }
      case "PATCH": {
        const ops = parsePatch(parseJson(text));
        if (kind === "User") patchUser(store, id, ops, base);
        else patchGroup(store, id, ops, base);
        send(res, 200, project(render(kind, requireRecord(kind, id), wantsRequestOnly(kind, attributes)), attributes, excluded));
        return;
      }
      case "DELETE":
        if (kind === "User") store.deleteUser(id);
        else store.deleteGroup(id);
        send(res, 204, undefined);
        return;
      default:
        throw new HttpError(405, `${method} not allowed on ${path}`);
    }
  }

  function createUser(body: unknown): UserRecord {
    const parsed = parseUser(body);
    if (!parsed.ok) throw new HttpError(400, parsed.message, "invalidValue");
    return store.createUser(parsed.value);
  }

  function createGroup(body: unknown): GroupRecord {
    const parsed = parseGroup(body);
    if (!parsed.ok) throw new HttpError(400, parsed.message, "invalidValue");
    const unknown = parsed.value.members?.find((u) => !store.users.has(u));
    if (unknown !== undefined) throw new HttpError(400, `member ${unknown} is not a user of this domain`, "invalidValue");
    return store.createGroup(parsed.value);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent || req.socket.destroyed) return;
      if (err instanceof HttpError) {
        if (err.message === "invalid_client" || err.message === "unsupported_grant_type" || err.message === "invalid_scope") {
          send(res, err.status, { error: err.message }, err.headers, "application/json");
        } else scimError(res, err.status, err.message, err.scimType, err.headers);
      } else if (err instanceof ScimConflict) {
        scimError(res, err.status, err.message, err.scimType);
      } else {
        scimError(res, 500, err instanceof Error ? err.message : "internal error");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    host: `127.0.0.1:${port}`,
    store,
    faults,
    counters,
    tokensIssued: () => issued,
    revokeTokens: () => tokens.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
