import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";

const CODES: Record<number, [code: string, title: string]> = {
  400: ["BadRequest", "Bad Request"],
  401: ["Unauthorized", "Unauthorized"],
  404: ["NotFound", "Not Found"],
  405: ["MethodNotAllowed", "Method Not Allowed"],
  413: ["PayloadTooLarge", "Payload Too Large"],
  429: ["TooManyRequests", "Too Many Requests"],
  500: ["InternalServerError", "Internal Server Error"],
  502: ["BadGateway", "Bad Gateway"],
  503: ["ServiceUnavailable", "Service Unavailable"],
  504: ["GatewayTimeout", "Gateway Timeout"],
};

/**
 * ORDS' error reply (ORDS 20+, as captured in public ADB labs): application/problem+json with code, title,
 * message, type and instance; the `instance` ECID is random per reply.
 */
export function sendOrdsError(res: ServerResponse, status: number, message?: string, headers: Record<string, string> = {}): void {
  const [code, title] = CODES[status] ?? ["Error", "Error"];
  const body = {
    code,
    title,
    message: message ?? title,
    type: `tag:oracle.com,2020:error/${code}`,
    instance: `tag:oracle.com,2020:ecid/${randomBytes(16).toString("base64url")}`,
  };
  sendJson(res, status, body, { "Content-Type": "application/problem+json", ...headers });
}

/** RFC 6749 §5.2 error body, which ORDS' token endpoint uses (assumption). */
export function sendOAuthError(res: ServerResponse, status: 400 | 401, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, status === 401 ? { "WWW-Authenticate": 'Basic realm="oauth"' } : {});
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
