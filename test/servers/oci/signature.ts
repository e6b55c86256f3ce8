import { createHash, createVerify, type KeyObject } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { sessionKeyOf } from "./resource-principal";

/**
 * Verifies an OCI request signature (draft-cavage HTTP signatures as OCI profiles them) made with a resource
 * principal: keyId "ST$<rpst>", the RPST signed by the trusted issuer and unexpired, the request signed with
 * the session key the RPST carries. Written against node:crypto alone, independent of the SDK's signer.
 */
export type Verdict = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function verifyRequest(
  req: IncomingMessage,
  body: Buffer,
  issuerPublicKey: KeyObject,
  o: { bodySigned: boolean },
): Verdict {
  const header = req.headers.authorization;
  if (!header || !header.startsWith("Signature ")) return { ok: false, reason: "no Signature authorization header" };
  const params = parseParams(header.slice("Signature ".length));
  if (params.version !== "1") return { ok: false, reason: "signature version must be 1" };
  if (params.algorithm !== "rsa-sha256") return { ok: false, reason: "algorithm must be rsa-sha256" };
  if (!params.keyId?.startsWith("ST$")) return { ok: false, reason: "keyId is not a security token (ST$…)" };
  if (!params.signature || !params.headers) return { ok: false, reason: "signature or headers parameter missing" };

  const token = verifyJwt(params.keyId.slice(3), issuerPublicKey);
  if (!token.ok) return token;

  const signed = params.headers.toLowerCase().split(" ");
  const required = ["(request-target)", "host", signed.includes("date") ? "date" : "x-date"];
  const method = (req.method ?? "GET").toUpperCase();
  if (o.bodySigned && ["POST", "PUT", "PATCH"].includes(method)) required.push("content-length", "content-type", "x-content-sha256");
  const missing = required.filter((h) => !signed.includes(h));
  if (missing.length) return { ok: false, reason: `signature does not cover ${missing.join(", ")}` };

  const lines: string[] = [];
  for (const name of signed) {
    if (name === "(request-target)") {
      lines.push(`(request-target): ${method.toLowerCase()} ${req.url ?? "/"}`);
      continue;
    }
    const value = req.headers[name];
    if (value === undefined) return { ok: false, reason: `signed header ${name} not sent` };
    lines.push(`${name}: ${Array.isArray(value) ? value.join(", ") : value}`);
  }
  const date = Date.parse(String(req.headers["x-date"] ?? req.headers.date));
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: "date missing or too far from server time" };
  }
  if (signed.includes("x-content-sha256")) {
    const digest = createHash("sha256").update(body).digest("base64");
    if (req.headers["x-content-sha256"] !== digest) return { ok: false, reason: "x-content-sha256 does not match the body" };
    if (Number(req.headers["content-length"]) !== body.length) return { ok: false, reason: "content-length does not match the body" };
  }
  let key: KeyObject;
  try {
    key = sessionKeyOf(token.claims);
  } catch {
    return { ok: false, reason: "token carries no usable session key" };
  }
  const good = createVerify("RSA-SHA256").update(lines.join("\n")).verify(key, params.signature, "base64");
  return good ? token : { ok: false, reason: "signature does not verify" };
}

function parseParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([a-zA-Z]+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

function verifyJwt(jwt: string, issuerPublicKey: KeyObject): Verdict {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { ok: false, reason: "security token is not a JWT" };
  const good = createVerify("RSA-SHA256")
    .update(`${parts[0]}.${parts[1]}`)
    .verify(issuerPublicKey, Buffer.from(parts[2], "base64url"));
  if (!good) return { ok: false, reason: "security token not issued by this auth service" };
  const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) return { ok: false, reason: "security token expired" };
  return { ok: true, claims };
}
