/**
 * Loopback ORDS: the REST-enabled SQL service and its OAuth2 token endpoint over an in-memory Oracle
 * dictionary, for tests, the local sandbox and benchmarks. Plain module: no jest, no logging.
 *
 * Behaviour taken from public ORDS/Oracle material: the `/ords/<alias>/_/sql` envelope (items per statement,
 * statementPos, response lines, resultSet with metadata/items/hasMore/limit/offset/count, errorCode/
 * errorLine/errorColumn/errorDetails), `application/sql` and `application/json` bodies with binds, the
 * client-credentials token endpoint (`{"access_token","token_type":"bearer","expires_in"}`), default page
 * limit 10000, Oracle identifier rules and ORA- codes.
 *
 * Assumptions where public material is silent (documented so clients do not over-fit):
 * - A failing statement still answers HTTP 200; its item carries errorCode etc. The script goes on with the
 *   next statement (SQLcl's default WHENEVER SQLERROR CONTINUE) unless `WHENEVER SQLERROR EXIT …` stopped it:
 *   then the failing statement's item is the last one.
 * - Each request is one database session (engine/session.ts). Requests run concurrently and their statements
 *   interleave (one event-loop turn, or `statementPauseMs`, before each statement). DML holds row locks until
 *   COMMIT/ROLLBACK; DDL commits before and after itself; others read the last committed row; a writer (and
 *   SELECT … FOR UPDATE) waits for a locked row and re-runs its statement, NOWAIT answers ORA-00054, a wait
 *   cycle ORA-00060. The open transaction commits when the script ends (as SQLcl's EXIT).
 * - SQL*Plus line commands (SET …, WHENEVER SQLERROR, DEFINE/UNDEFINE) answer an item with statementType
 *   "sqlplus" and no response lines. Substitution (`&name`) is on until SET DEFINE OFF (sql/sqlplus.ts).
 * - PL/SQL: the anonymous-block subset in engine/plsql.ts; anything else is ORA-06550.
 * - Auth failures answer 401 with ORDS' problem+json body ({code,title,message,type,instance}); the token
 *   endpoint answers RFC 6749 bodies ({"error":"invalid_client"} 401, {"error":"unsupported_grant_type"} 400).
 * - Basic auth is accepted for the schema's own database user only (the admin option), checked against the
 *   live dictionary: ALTER USER ADMIN ACCOUNT LOCK locks the service out, as on a real database. A schema
 *   created NO AUTHENTICATION has no password, so only its OAuth clients reach it.
 * - Every REST-enabled schema has its own alias (ORDS.ENABLE_SCHEMA / ORDS_ADMIN.ENABLE_SCHEMA, BASE_PATH)
 *   and its own OAuth clients (`registerClient`, what ORDS_SECURITY_ADMIN.REGISTER_CLIENT plus GRANT_CLIENT_ROLE
 *   'SQL Developer' set up): a token is valid only on its schema's alias, and `/_/sql` runs as that schema
 *   with that schema's privileges (object grants, synonyms, definer's-rights views; engine/access.ts).
 *   A schema without CREATE SESSION answers 401 (ORA-01045 at connect).
 * - errorLine/errorColumn are relative to the statement (line 1 = its first line).
 * - PL/SQL blocks are cut like SQLcl (end at `/` on its own line).
 * - A statement that does not parse gets a statementType from its first word; "other" when unknown.
 * - Feedback lines follow SQL*Plus as in ORDS' documented samples ("\nUser created.\n\n", "\n1 row created.\n\n"),
 *   not newer SQLcl's "User X created."; an error item has SQLcl's "Error starting at line" text and no result.
 * - Passwords are case-sensitive; an unquoted one is kept as typed. ADB's verify function reports its reason
 *   as a stacked ORA-20000 line under ORA-28003 (reason wording ours).
 * - Inside a quoted identifier `""` is not an escape (Oracle forbids `"` in names): `"a""b"` is two tokens.
 * - ALTER USER on an Oracle-maintained account answers ORA-01031 (ADB's lockdown), DROP answers ORA-28014.
 * - Not modelled, answered with an ORA- error instead: MERGE and other verbs (ORA-00900), object privileges
 *   and nesting deeper than 64 parentheses/subqueries (ORA-03001).
 * - Request bodies above 8 MiB answer 413.
 * - stats count every request that reaches an endpoint, faulted ones included.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { OrdsDatabase } from "./engine/database";
import { dictionaryViews } from "./engine/dictionary";
import { runScript, type ResponseItem, type ScriptRequest } from "./engine/run-script";
import { Session } from "./engine/session";
import { FaultInjector, type Fault } from "./faults";
import { OraError } from "./sql/ora-error";
import { sendJson, sendOAuthError, sendOrdsError } from "./http-errors";
import { TokenIssuer, type OAuthClient } from "./oauth";

export const DEFAULT_ADMIN = { username: "ADMIN", password: "Loopback#Ords2024" } as const;
export const DEFAULT_CLIENT: OAuthClient = { clientId: "iam-adb-sync-test", clientSecret: "test-client-secret-0123456789" };
/** ORDS' default page size for REST-enabled SQL queries. */
export const DEFAULT_LIMIT = 10000;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface OrdsServerOptions {
  /** Default "admin" → paths /ords/admin/... */
  schemaAlias?: string;
  /** The schema's database user, accepted with HTTP Basic (default ADMIN / DEFAULT_ADMIN.password). */
  admin?: { username: string; password: string };
  /** OAuth clients (client_credentials). Default: [DEFAULT_CLIENT]. */
  clients?: OAuthClient[];
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
  seed?: (db: OrdsDatabase) => void;
  /** Pause before every statement (default: one event-loop turn), so concurrent scripts overlap more. */
  statementPauseMs?: number;
}

export interface OrdsStats {
  tokenRequests: number;
  sqlRequests: number;
  statements: number;
  reset(): void;
}

export interface OrdsServer {
  /** e.g. http://127.0.0.1:PORT/ords/admin — what ORDS_URL config holds. */
  url: string;
  /** The base URL of another REST-enabled schema's alias, e.g. urlFor("iam_adb_sync_ag"). */
  urlFor(alias: string): string;
  /** Registers an OAuth client for a schema (default roles: SQL Developer), as a DBA does once. */
  registerClient(client: OAuthClient): void;
  db: OrdsDatabase;
  stats: OrdsStats;
  faults: FaultInjector;
  expireAllTokens(): void;
  close(): Promise<void>;
}

const JsonBody = z.object({
  statementText: z.string().min(1, "statementText must not be empty"),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).optional(),
  binds: z
    .array(
      z
        .object({ name: z.string().min(1).optional(), index: z.number().int().min(1).optional(), data_type: z.string().optional(), value: z.unknown() })
        .refine((b) => b.name !== undefined || b.index !== undefined, "a bind needs a name or an index"),
    )
    .optional(),
});

export async function startOrdsServer(opts: OrdsServerOptions = {}): Promise<OrdsServer> {
  const alias = opts.schemaAlias ?? "admin";
  const admin = opts.admin ?? DEFAULT_ADMIN;
  const schema = admin.username.toUpperCase();
  const db = createDatabase(schema, admin.password);
  db.enableRest(schema, true, alias);
  opts.seed?.(db);
  const views = dictionaryViews(db);
  const issuer = new TokenIssuer(opts.clients ?? [DEFAULT_CLIENT], opts.tokenLifetimeSeconds ?? 3600, schema);
  const faults = new FaultInjector();
  const stats: OrdsStats = {
    tokenRequests: 0,
    sqlRequests: 0,
    statements: 0,
    reset() {
      this.tokenRequests = 0;
      this.sqlRequests = 0;
      this.statements = 0;
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const m = /^\/ords\/([^/]+)\/(.*)$/.exec(path);
    const restSchema = m ? db.restSchema(m[1]) : undefined;
    if (!m || restSchema === undefined) return sendOrdsError(res, 404, "The request could not be mapped to any database");
    const endpoint = m[2] === "oauth/token" ? "token" : m[2] === "_/sql" ? "sql" : undefined;
    if (!endpoint) return sendOrdsError(res, 404);
    if (endpoint === "token") stats.tokenRequests++;
    else stats.sqlRequests++;

    const fault = faults.take(endpoint);
    if (fault && (await applyFault(fault, req, res))) return;
    if (req.method !== "POST") return sendOrdsError(res, 405, `${req.method} is not supported here; use POST`, { Allow: "POST" });
    const body = await readBody(req);
    if (body === undefined) return sendOrdsError(res, 413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    if (endpoint === "token") return token(req, res, body, restSchema);
    return sql(req, res, body, fault, restSchema);
  };

  const token = (req: IncomingMessage, res: ServerResponse, body: string, restSchema: string): void => {
    const basic = parseBasic(req.headers.authorization);
    if (!basic) return sendOAuthError(res, 401, "invalid_client", "client authentication with HTTP Basic is required");
    if (mediaType(req) !== "application/x-www-form-urlencoded") {
      return sendOAuthError(res, 400, "invalid_request", "the body must be application/x-www-form-urlencoded");
    }
    const grant = new URLSearchParams(body).get("grant_type");
    if (grant === null) return sendOAuthError(res, 400, "invalid_request", "grant_type is missing");
    if (grant !== "client_credentials") return sendOAuthError(res, 400, "unsupported_grant_type", "only client_credentials is supported");
    const issued = issuer.issue(basic.user, basic.password, restSchema);
    if (!issued) return sendOAuthError(res, 401, "invalid_client", "unknown client or wrong secret");
    sendJson(res, 200, issued, { "Cache-Control": "no-store" });
  };

  const sql = async (req: IncomingMessage, res: ServerResponse, body: string, fault: Fault | undefined, restSchema: string): Promise<void> => {
    if (!authorised(req.headers.authorization, restSchema)) return sendOrdsError(res, 401);
    const parsed = parseSqlRequest(mediaType(req), body);
    if (typeof parsed === "string") return sendOrdsError(res, 400, parsed);
    const session = new Session();
    let items: ResponseItem[];
    try {
      items = await runScript(parsed, { db, views, session, user: restSchema, pauseMs: opts.statementPauseMs });
    } catch (e) {
      session.rollback();
      throw e;
    }
    stats.statements += items.length;
    // The ambiguous commit: everything ran and committed, then the connection drops before the answer.
    if (fault?.dropReply) return void req.socket.destroy();
    sendJson(res, 200, { env: { defaultTimeZone: "UTC" }, items });
  };

  const authorised = (header: string | undefined, restSchema: string): boolean => {
    // ORDS connects as the schema: a locked account or one without CREATE SESSION cannot log on.
    if (db.user(restSchema)?.accountStatus !== "OPEN" || !db.hasSysPrivilege(restSchema, "CREATE SESSION")) return false;
    if (header?.startsWith("Bearer ")) return issuer.isValid(header.slice(7).trim(), restSchema);
    const basic = parseBasic(header);
    if (!basic || basic.user.toUpperCase() !== restSchema) return false;
    return db.checkPassword(restSchema, basic.password);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the engine: answer 500 with the reason (never request data) rather than hang or crash.
      if (!res.headersSent) sendOrdsError(res, 500, e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/ords/${alias}`,
    urlFor: (a) => `http://127.0.0.1:${port}/ords/${a}`,
    registerClient: (c) => issuer.register(c),
    db,
    stats,
    faults,
    expireAllTokens: () => issuer.expireAll(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function createDatabase(schema: string, password: string): OrdsDatabase {
  try {
    return new OrdsDatabase(schema, password);
  } catch (e) {
    if (e instanceof OraError) throw new Error(`startOrdsServer: admin user ${schema} rejected: ${e.details}`);
    throw e;
  }
}

/** Applies a fault; true when it answered (or dropped) the request itself. */
async function applyFault(f: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (f.delayMs > 0) {
    // Stop waiting when the client gives up, so no timer outlives its connection.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, f.delayMs);
      req.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (req.socket.destroyed) return true;
  }
  if (f.drop) {
    req.socket.destroy();
    return true;
  }
  if (f.status !== undefined) {
    req.resume();
    const headers: Record<string, string> = f.retryAfterSeconds !== undefined ? { "Retry-After": String(f.retryAfterSeconds) } : {};
    sendOrdsError(res, f.status, undefined, headers);
    return true;
  }
  return false;
}

/** The request as the script runner takes it, or the reason it is malformed. */
function parseSqlRequest(type: string, body: string): ScriptRequest | string {
  if (type === "application/sql") {
    if (body.trim() === "") return "the request body holds no SQL";
    return { script: body, binds: [], offset: 0, limit: DEFAULT_LIMIT };
  }
  if (type !== "application/json") return `unsupported Content-Type '${type}': use application/sql or application/json`;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return "the request body is not valid JSON";
  }
  const r = JsonBody.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    return `invalid request body: ${issue.path.join(".") || "body"}: ${issue.message}`;
  }
  return { script: r.data.statementText, binds: r.data.binds ?? [], offset: r.data.offset ?? 0, limit: r.data.limit ?? DEFAULT_LIMIT };
}

function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.startsWith("Basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The body as UTF-8, or undefined when it exceeds the limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
