import type { ResponseItem } from "./engine/run-script";
import { DEFAULT_ADMIN, DEFAULT_CLIENT, type OrdsServer } from "./server";

/** Minimal client for the server's own tests: raw fetch, so every header and body is visible. */
export interface SqlReply {
  status: number;
  body: { env?: { defaultTimeZone: string }; items: ResponseItem[] } & Record<string, unknown>;
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
export const adminAuth = basicAuth(DEFAULT_ADMIN.username, DEFAULT_ADMIN.password);

export async function requestToken(server: OrdsServer, client = DEFAULT_CLIENT): Promise<Response> {
  return fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers: { Authorization: basicAuth(client.clientId, client.clientSecret), "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
}

export async function bearer(server: OrdsServer): Promise<string> {
  const r = await requestToken(server);
  if (r.status !== 200) throw new Error(`token request failed: ${r.status}`);
  return `Bearer ${((await r.json()) as { access_token: string }).access_token}`;
}

/** POSTs a script (application/sql) or a JSON body to /_/sql as ADMIN unless `auth` says otherwise. */
export async function sql(server: OrdsServer, body: string | Record<string, unknown>, auth: string = adminAuth): Promise<SqlReply> {
  const json = typeof body !== "string";
  const r = await fetch(`${server.url}/_/sql`, {
    method: "POST",
    headers: { Authorization: auth, "Content-Type": json ? "application/json" : "application/sql" },
    body: json ? JSON.stringify(body) : body,
  });
  return { status: r.status, body: (await r.json()) as SqlReply["body"] };
}

/** The single item of a one-statement script. */
export async function one(server: OrdsServer, statement: string | Record<string, unknown>): Promise<ResponseItem> {
  const r = await sql(server, statement);
  if (r.status !== 200 || r.body.items.length !== 1) throw new Error(`expected one item, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.items[0];
}

/** The rows of a one-query script. */
export async function rows(server: OrdsServer, query: string | Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const item = await one(server, query);
  if (!item.resultSet) throw new Error(`not a query result: ${JSON.stringify(item)}`);
  return item.resultSet.items;
}
