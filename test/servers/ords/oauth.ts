import { randomBytes, timingSafeEqual } from "node:crypto";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface IssuedToken {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
}

/** ORDS' OAuth2 client-credentials flow: registered clients, issued bearer tokens with a lifetime. */
export class TokenIssuer {
  private readonly clients = new Map<string, string>();
  /** token → expiry (epoch ms). */
  private readonly tokens = new Map<string, number>();

  constructor(
    clients: OAuthClient[],
    private readonly lifetimeSeconds: number,
  ) {
    for (const c of clients) this.clients.set(c.clientId, c.clientSecret);
  }

  /** A token for valid client credentials, else undefined. */
  issue(clientId: string, clientSecret: string): IssuedToken | undefined {
    const secret = this.clients.get(clientId);
    if (secret === undefined || !sameText(secret, clientSecret)) return undefined;
    const token = randomBytes(16).toString("base64url");
    this.tokens.set(token, Date.now() + this.lifetimeSeconds * 1000);
    return { access_token: token, token_type: "bearer", expires_in: this.lifetimeSeconds };
  }

  isValid(token: string): boolean {
    const expiry = this.tokens.get(token);
    return expiry !== undefined && Date.now() < expiry;
  }

  expireAll(): void {
    this.tokens.clear();
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
