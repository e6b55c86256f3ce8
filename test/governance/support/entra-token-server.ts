import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface EntraTokenServer {
  /** host:port */
  host: string;
  /** Form fields of every token request received, in order. */
  requests: URLSearchParams[];
  /** Tokens handed out, in order. */
  issued: string[];
  close(): Promise<void>;
}

/**
 * Microsoft identity platform token endpoint on loopback: POST /<tenant>/oauth2/v2.0/token with the client
 * id and secret in the form (Entra's client_secret_post), any grant type the test allows.
 */
export async function startEntraTokenServer(o: { tenant: string; clientId: string; clientSecret: string; grantType?: string; expiresIn?: number }): Promise<EntraTokenServer> {
  const requests: URLSearchParams[] = [];
  const issued: string[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const form = new URLSearchParams(text);
      requests.push(form);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method !== "POST" || req.url !== `/${o.tenant}/oauth2/v2.0/token`) return reply(404, { error: "not_found" });
      if (form.get("client_id") !== o.clientId || form.get("client_secret") !== o.clientSecret) return reply(401, { error: "invalid_client" });
      if (form.get("grant_type") !== (o.grantType ?? "client_credentials")) return reply(400, { error: "unsupported_grant_type" });
      if (!form.get("scope")) return reply(400, { error: "invalid_scope" });
      const token = `entra-${randomBytes(12).toString("hex")}`;
      issued.push(token);
      reply(200, { token_type: "Bearer", expires_in: o.expiresIn ?? 3599, access_token: token });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    issued,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
