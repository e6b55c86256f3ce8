import { ConfigFileAuthenticationDetailsProvider, DefaultRequestSigner } from "oci-common";
import type { Credentials } from "./registry-client";

/**
 * Registry credentials for OCIR.
 * - token: `<namespace>/<user>` (federated: `<namespace>/oracleidentitycloudservice/<user>`) and an auth token
 *   from OCIR_USERNAME / OCIR_AUTH_TOKEN.
 * - profile: a short-lived registry token requested with an API-key-signed GET <host>/20180419/docker/token
 *   (the OCI config profile's key), used as password for the user name BEARER_TOKEN.
 */
export async function ocirCredentials(
  mode: "token" | "profile" | "none",
  host: string,
  env: NodeJS.ProcessEnv,
  profile?: string,
): Promise<Credentials | undefined> {
  if (mode === "none") return undefined;
  if (mode === "token") {
    const username = env.OCIR_USERNAME;
    const password = env.OCIR_AUTH_TOKEN;
    if (!username || !password) throw new Error("--auth token needs OCIR_USERNAME and OCIR_AUTH_TOKEN in the environment");
    return { username, password };
  }
  const provider = new ConfigFileAuthenticationDetailsProvider(env.OCI_CLI_CONFIG_FILE, profile ?? "DEFAULT");
  const signer = new DefaultRequestSigner(provider);
  // Plain HTTP only ever for a loopback stand-in (tests).
  const scheme = /^(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(host) ? "http" : "https";
  const uri = `${scheme}://${host}/20180419/docker/token`;
  // The signer adds host and x-date and signs them with the request target.
  const headers = new Headers();
  await signer.signHttpRequest({ method: "GET", uri, headers });
  const res = await fetch(uri, { headers });
  if (res.status !== 200) {
    await res.arrayBuffer();
    throw new Error(`OCIR refused the signed token request for profile ${profile ?? "DEFAULT"}: HTTP ${res.status}`);
  }
  const { token } = (await res.json()) as { token?: string };
  if (!token) throw new Error("OCIR token response carried no token");
  return { username: "BEARER_TOKEN", password: token };
}
