import { createPublicKey, createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";

/**
 * A local stand-in for what the Functions service gives a function: a session key pair and a resource
 * principal session token (RPST), handed over as the RP v2.2 environment variables. The RPST is a JWT signed
 * by a local "auth service" key; like OCI's, it carries the session public key (claim `jwk`), so a server that
 * trusts the issuer can verify request signatures made with the session private key.
 */
export interface ResourcePrincipal {
  /** OCI_RESOURCE_PRINCIPAL_* variables for the function process (or process.env in a test). */
  env: Record<string, string>;
  rpst: string;
  /** Verifies RPSTs (the auth service's public key). */
  issuerPublicKey: KeyObject;
  tenancyId: string;
  compartmentId: string;
  /** Another RPST from the same issuer for the same session key (lifetimeSeconds < 0: already expired). */
  mintToken(lifetimeSeconds: number): string;
}

export interface ResourcePrincipalOptions {
  region?: string;
  tenancyId?: string;
  compartmentId?: string;
  functionId?: string;
  /** Token lifetime; negative makes an already expired token. */
  lifetimeSeconds?: number;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

export function createResourcePrincipal(o: ResourcePrincipalOptions = {}): ResourcePrincipal {
  const issuer = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const session = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const tenancyId = o.tenancyId ?? "ocid1.tenancy.oc1..aaaaaaaalocaltenancy";
  const compartmentId = o.compartmentId ?? "ocid1.compartment.oc1..aaaaaaaalocalcompartment";
  const mintToken = (lifetimeSeconds: number): string => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: "authService.oracle.com",
      aud: "oci",
      sub: o.functionId ?? "ocid1.fnfunc.oc1.eu-frankfurt-1.aaaaaaaalocalfunction",
      iat: now,
      exp: now + lifetimeSeconds,
      jti: randomUUID(),
      ttype: "res",
      res_type: "fnfunc",
      res_tenant: tenancyId,
      res_compartment: compartmentId,
      jwk: JSON.stringify({ ...session.publicKey.export({ format: "jwk" }), kid: "session", use: "sig", alg: "RS256" }),
    };
    const signingInput = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "asw" }))}.${b64url(JSON.stringify(claims))}`;
    return `${signingInput}.${b64url(createSign("RSA-SHA256").update(signingInput).sign(issuer.privateKey))}`;
  };
  const rpst = mintToken(o.lifetimeSeconds ?? 3600);
  return {
    rpst,
    issuerPublicKey: issuer.publicKey,
    tenancyId,
    compartmentId,
    mintToken,
    env: {
      OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
      OCI_RESOURCE_PRINCIPAL_RPST: rpst,
      OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: session.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
      OCI_RESOURCE_PRINCIPAL_REGION: o.region ?? "eu-frankfurt-1",
    },
  };
}

/** The session public key an RPST carries (claim `jwk`). */
export function sessionKeyOf(claims: Record<string, unknown>): KeyObject {
  if (typeof claims.jwk !== "string") throw new Error("token has no jwk claim");
  return createPublicKey({ key: JSON.parse(claims.jwk) as import("node:crypto").JsonWebKey, format: "jwk" });
}
