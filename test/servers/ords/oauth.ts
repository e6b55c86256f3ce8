import { randomBytes, timingSafeEqual } from "node:crypto";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** The schema the client belongs to (ORDS registers clients per REST-enabled schema); default: the administrator. */
  schema?: string;
  /** ORDS roles granted to the client; REST-enabled SQL needs "SQL Developer" (the default). */
  roles?: string[];
}

export interface IssuedToken {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
}

/** The ORDS role that REST-enabled SQL (`/_/sql`) requires of an OAuth client. */
export const SQL_DEVELOPER_ROLE = "SQL Developer";

interface Registered {
  secret: string;
  schema: string;
  roles: readonly string[];
}

/** ORDS' OAuth2 client-credentials flow: clients registered per schema, bearer tokens with a lifetime. */
export class TokenIssuer {
  private readonly clients = new Map<string, Registered>();
  /** token → expiry (epoch ms) and the client it was issued to. */
  private readonly tokens = new Map<string, { expiry: number; clientId: string }>();

  constructor(
    clients: OAuthClient[],
    private readonly lifetimeSeconds: number,
    private readonly defaultSchema: string,
  ) {
    for (const c of clients) this.register(c);
  }

  register(c: OAuthClient): void {
    this.clients.set(c.clientId, { secret: c.clientSecret, schema: c.schema ?? this.defaultSchema, roles: c.roles ?? [SQL_DEVELOPER_ROLE] });
  }

  /** A token for valid credentials of a client of `schema` (the token endpoint is per schema alias), else undefined. */
  issue(clientId: string, clientSecret: string, schema: string): IssuedToken | undefined {
    const c = this.clients.get(clientId);
    if (c === undefined || !sameText(c.secret, clientSecret) || c.schema !== schema) return undefined;
    const token = randomBytes(16).toString("base64url");
    this.tokens.set(token, { expiry: Date.now() + this.lifetimeSeconds * 1000, clientId });
    return { access_token: token, token_type: "bearer", expires_in: this.lifetimeSeconds };
  }

  /** True for an unexpired token of a client of `schema` that holds `role`. */
  isValid(token: string, schema: string, role: string = SQL_DEVELOPER_ROLE): boolean {
    const t = this.tokens.get(token);
    const c = t && this.clients.get(t.clientId);
    return t !== undefined && c !== undefined && Date.now() < t.expiry && c.schema === schema && c.roles.includes(role);
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
