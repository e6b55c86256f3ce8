import { DefaultRequestSigner } from "oci-common";
import { getAuthProvider } from "../../function/src/oci/auth";
import { createResourcePrincipal } from "../servers/oci/resource-principal";
import { startOciServer, type OciServer } from "../servers/oci/server";
import { useResourcePrincipal } from "./support";

const SECRET = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaax";

let oci: OciServer;
beforeAll(async () => {
  oci = await startOciServer();
  useResourcePrincipal(oci.env);
  oci.secrets.set(SECRET, "value");
});
afterAll(() => oci.close());
beforeEach(() => oci.stats.reset());

/** Signs like the SDK (its own signer, the process's resource principal), then sends with plain fetch. */
async function signedFetch(path: string, init: { method?: "GET" | "POST"; signBody?: string; sendBody?: string } = {}) {
  const uri = `${oci.url}${path}`;
  const headers = new Headers({ "content-type": "application/json" });
  await new DefaultRequestSigner(await getAuthProvider()).signHttpRequest({
    method: init.method ?? "GET",
    uri,
    headers,
    body: init.signBody,
  });
  return fetch(uri, { method: init.method ?? "GET", headers, body: init.sendBody ?? init.signBody });
}

describe("OCI loopback server: request signatures", () => {
  it("accepts a request signed with the resource principal", async () => {
    const res = await signedFetch(`/20190301/secretbundles/${SECRET}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ secretId: SECRET, secretBundleContent: { contentType: "BASE64", content: "dmFsdWU=" } });
  });

  it("rejects an unsigned request with 401 NotAuthenticated", async () => {
    const res = await fetch(`${oci.url}/20190301/secretbundles/${SECRET}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "NotAuthenticated" });
    expect(oci.stats.unauthorized).toBe(1);
  });

  it("rejects a request whose signature was made for another path", async () => {
    const good = `/20190301/secretbundles/${SECRET}`;
    const headers = new Headers();
    await new DefaultRequestSigner(await getAuthProvider()).signHttpRequest({ method: "GET", uri: `${oci.url}${good}`, headers });
    const res = await fetch(`${oci.url}/20190301/secretbundles/ocid1.vaultsecret.oc1.eu-frankfurt-1.other`, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining("signature does not verify") });
  });

  it("rejects a body that differs from the signed one", async () => {
    const res = await signedFetch("/n/", { method: "POST", signBody: '{"a":1}', sendBody: '{"a":2}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining("x-content-sha256 does not match") });
  });

  it.each([
    ["a token from another issuer", () => createResourcePrincipal().env, "not issued by this auth service"],
    ["an expired token", () => ({ ...oci.env, OCI_RESOURCE_PRINCIPAL_RPST: oci.principal.mintToken(-60) }), "security token expired"],
  ])("rejects a request signed with %s", async (_what, env, reason) => {
    const { ResourcePrincipalAuthenticationDetailsProvider } = await import("oci-common");
    const saved = { ...process.env };
    Object.assign(process.env, env());
    const provider = ResourcePrincipalAuthenticationDetailsProvider.builder();
    process.env = saved;
    const headers = new Headers();
    const uri = `${oci.url}/20190301/secretbundles/${SECRET}`;
    await new DefaultRequestSigner(provider).signHttpRequest({ method: "GET", uri, headers });
    const res = await fetch(uri, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining(reason) });
  });
});
