import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small Microsoft Graph-like server for template previews: users and groups under /v1.0 with
 * `$top` and `$skiptoken` paging (the next page's link in `@odata.nextLink`, absent on the last page),
 * `$select`, and a user's group memberships. Bearer token required.
 */

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  accountEnabled: boolean;
}

export interface GraphGroup {
  id: string;
  displayName: string;
  securityEnabled: boolean;
  members: string[];
}

export interface GraphServerOptions {
  token: string;
  /** Page size when $top is absent (Graph's default is 100). */
  defaultPageSize?: number;
}

export interface GraphServer {
  url: string;
  host: string;
  users: GraphUser[];
  groups: GraphGroup[];
  /** Requests served, by "METHOD /path" with ids replaced by {id}. */
  requests: Map<string, number>;
  addUser(u: Omit<GraphUser, "id" | "mail" | "accountEnabled"> & Partial<GraphUser>): GraphUser;
  addGroup(displayName: string, members: string[], securityEnabled?: boolean): GraphGroup;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const graphError = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { error: { code, message } });

function select<T extends object>(o: T, fields: string | null): Partial<T> {
  if (!fields) return o;
  const wanted = new Set(fields.split(",").map((f) => f.trim()));
  return Object.fromEntries(Object.entries(o).filter(([k]) => wanted.has(k))) as Partial<T>;
}

export async function startGraphServer(o: GraphServerOptions): Promise<GraphServer> {
  const users: GraphUser[] = [];
  const groups: GraphGroup[] = [];
  const requests = new Map<string, number>();
  /** Skip tokens are opaque: each maps to the offset it resumes at. */
  const skipTokens = new Map<string, number>();
  let base = "";

  const page = <T extends object>(res: ServerResponse, url: URL, all: T[]) => {
    const top = url.searchParams.has("$top") ? Number(url.searchParams.get("$top")) : (o.defaultPageSize ?? 100);
    if (!Number.isInteger(top) || top < 1 || top > 999) return graphError(res, 400, "Request_BadRequest", "Invalid value for $top");
    const token = url.searchParams.get("$skiptoken");
    let start = 0;
    if (token) {
      const at = skipTokens.get(token);
      if (at === undefined) return graphError(res, 400, "Directory_ExpiredPageToken", "The specified page token value has expired");
      start = at;
    }
    const slice = all.slice(start, start + top).map((x) => select(x, url.searchParams.get("$select")));
    const body: Record<string, unknown> = { "@odata.context": `${base}/v1.0/$metadata`, value: slice };
    if (start + top < all.length) {
      const next = randomUUID().replace(/-/g, "");
      skipTokens.set(next, start + top);
      // Graph writes $skiptoken literally (not %24skiptoken), which templates' split(/\$skiptoken=/) relies on.
      const query = url.search.slice(1).split("&").filter((p) => p !== "" && !/^(\$|%24)skiptoken=/i.test(p));
      body["@odata.nextLink"] = `${base}${url.pathname}?${[...query, `$skiptoken=${next}`].join("&")}`;
    }
    send(res, 200, body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", base);
    const route = `${req.method} ${url.pathname.replace(/\/v1\.0\/(users|groups)\/[^/]+/, "/v1.0/$1/{id}")}`;
    requests.set(route, (requests.get(route) ?? 0) + 1);
    if (req.headers.authorization !== `Bearer ${o.token}`) {
      return graphError(res, 401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
    }
    if (req.method !== "GET") return graphError(res, 405, "Request_BadRequest", "only GET is served here");
    const m = /^\/v1\.0\/(users|groups)(?:\/([^/]+)(\/memberOf\/microsoft\.graph\.group)?)?$/.exec(url.pathname);
    if (!m) return graphError(res, 404, "Request_ResourceNotFound", `no resource at ${url.pathname}`);
    const [, collection, id, memberOf] = m;
    const all: object[] = collection === "users" ? users : groups.map(({ members: _members, ...g }) => g);
    if (!id) return page(res, url, all);
    const one = all.find((x) => (x as { id: string }).id === id);
    if (!one) return graphError(res, 404, "Request_ResourceNotFound", `Resource '${id}' does not exist`);
    if (!memberOf) return send(res, 200, select(one, url.searchParams.get("$select")));
    if (collection !== "users") return graphError(res, 404, "Request_ResourceNotFound", "memberOf is served for users");
    const filter = url.searchParams.get("$filter");
    const security = filter === null ? undefined : /securityEnabled eq (true|false)/.exec(filter)?.[1] === "true";
    const mine = groups
      .filter((g) => g.members.includes(id) && (security === undefined || g.securityEnabled === security))
      .map(({ members: _members, ...g }) => g);
    return page(res, url, mine);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      graphError(res, 500, "InternalServerError", err instanceof Error ? err.message : "failed");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    host: `127.0.0.1:${port}`,
    users,
    groups,
    requests,
    addUser(u) {
      const user: GraphUser = { id: randomUUID(), mail: `${u.userPrincipalName}`, accountEnabled: true, ...u };
      users.push(user);
      return user;
    },
    addGroup(displayName, members, securityEnabled = true) {
      const g: GraphGroup = { id: randomUUID(), displayName, securityEnabled, members };
      groups.push(g);
      return g;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
