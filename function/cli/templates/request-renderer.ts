import { ElError } from "./el-sandbox";
import { evaluateTemplateString, ExpressionError, unquote, type Evaluated, type ExpressionEnv } from "./expressions";
import { JsonPathError } from "./jsonpath";
import type { RequestTemplate } from "./template-types";

/** A request template with every expression evaluated: ready to send. */
export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export class RenderError extends Error {
  override name = "RenderError";
}

/** Characters java.net.URI rejects unencoded (RFC 2396 excluded and space, controls, non-ASCII). */
const URI_ILLEGAL = /[\s"<>\\^`{|}]|[^\x21-\x7e]/;

const single = (r: Evaluated): string | null => {
  if (r.kind === "list") throw new RenderError(`evaluated to several values (${r.values.length}); it needs one`);
  return r.kind === "stopped" ? null : r.text;
};

/**
 * Renders one request. Returns null when the connector would not send it: its path or query evaluated to a
 * missing value (`'null'`), which is how a page-token chain ends.
 */
export function renderRequest(t: RequestTemplate, env: ExpressionEnv): RenderedRequest | null {
  const evaluate = (what: string, s: string, where: ExpressionEnv = env) => {
    try {
      return single(evaluateTemplateString(s, where));
    } catch (err) {
      if (err instanceof ExpressionError || err instanceof ElError || err instanceof JsonPathError || err instanceof RenderError) {
        throw new RenderError(`request ${t.id}: ${what}: ${err.message}`);
      }
      throw err;
    }
  };
  const path = evaluate("uri.path", t.uri.path);
  if (path === null || path.includes("'null'")) return null;
  const query: string[] = [];
  for (const [i, q] of (t.queryParameters ?? []).entries()) {
    // The emulator evaluates query parameters without the parent response, even in a sub-request.
    const value = evaluate(`queryParameters[${i}] (${q.name})`, q.value, env.mode === "emulator" ? { ...env, jp: null } : env);
    if (value === null || value.includes("'null'")) return null;
    query.push(`${q.name}=${value}`);
  }
  const { scheme, host } = t.uri;
  if (/<<|>>/.test(scheme + host)) {
    throw new RenderError(`uri.scheme/uri.host are placeholders (${scheme}://${host}); the request needs a target`);
  }
  const glue = query.length === 0 ? "" : path.includes("?") ? "&" : "?";
  const raw = `${scheme}://${host}${path}${glue}${query.join("&")}`;
  // Oracle's emulator sends path and query exactly as evaluated (no encoding) through java.net.URI, which
  // refuses characters a URI may not hold: the operation fails. Strict mode encodes them instead.
  const illegal = env.mode === "emulator" ? URI_ILLEGAL.exec(raw) : null;
  if (illegal) {
    throw new RenderError(`request ${t.id}: the URL holds ${JSON.stringify(illegal[0])}, which is not encoded: the connector sends it raw and fails (pre-encode it in the template, e.g. %20 for a space, %22 for ")`);
  }
  let url: string;
  try {
    // WHATWG URL percent-encodes what a template leaves raw (spaces, quotes) and keeps existing escapes.
    url = new URL(`${scheme}://${host}${path}${glue}${query.join("&")}`).toString();
  } catch {
    throw new RenderError(`${scheme}://${host}${path} is not a valid URL`);
  }
  const headers: Record<string, string> = {};
  for (const [i, h] of (t.headers ?? []).entries()) {
    headers[h.name] = evaluate(`headers[${i}] (${h.name})`, h.value) ?? "";
  }
  let body: string | undefined;
  if (t.body) {
    const raw = t.body.type === "text" ? JSON.stringify(t.body.textBody) : t.body.textBody;
    const text = evaluate("body", raw);
    body = text === null ? undefined : t.body.type === "text" ? unquote(text) : text;
  }
  return { method: t.method, url, headers, ...(body !== undefined ? { body } : {}) };
}
