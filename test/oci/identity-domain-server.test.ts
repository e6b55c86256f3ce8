import { DefaultRequestSigner } from "oci-common";
import { getAuthProvider } from "../../function/src/oci/auth";
import { startOciServer, type OciServer } from "../servers/oci/server";
import { useResourcePrincipal } from "./support";

const JANE = "ocid1.user.oc1..jane";
const READERS = "ocid1.group.oc1..readers";
const WRITERS = "ocid1.group.oc1..writers";

let oci: OciServer;
// One server: the SDK's resource principal provider is per process.
beforeAll(async () => {
  oci = await startOciServer();
  useResourcePrincipal(oci.env);
  oci.identity.addGroup({ id: READERS, name: "DB-Readers" });
  oci.identity.addGroup({ id: WRITERS, name: "DB-Writers" });
});
afterAll(() => oci.close());
beforeEach(() => {
  oci.identity.lag = undefined;
  oci.identity.deleteUser(JANE);
});

async function signedGet(path: string): Promise<{ status: number; json: unknown }> {
  const uri = `${oci.url}${path}`;
  const headers = new Headers();
  await new DefaultRequestSigner(await getAuthProvider()).signHttpRequest({ method: "GET", uri, headers });
  const res = await fetch(uri, { headers });
  return { status: res.status, json: await res.json() };
}

describe("OCI loopback server: the identity domain's users with their groups, and IAM memberships", () => {
  it("GET /admin/v1/Users/{id}?attributes=groups returns the user's groups as the domain does; unknown ids answer the SCIM 404 envelope", async () => {
    const jane = oci.identity.addUser({ id: JANE, name: "jane" });
    oci.identity.addMember(READERS, JANE);
    const r = await signedGet(`/admin/v1/Users/${jane.scimId}?attributes=groups`);
    expect(r.status).toBe(200);
    const readers = oci.identity.groups.get(READERS);
    expect(r.json).toMatchObject({
      id: jane.scimId,
      ocid: JANE,
      userName: "jane",
      active: true,
      groups: [{ value: readers?.scimId, display: "DB-Readers", $ref: `${oci.url}/admin/v1/Groups/${readers?.scimId}`, ocid: READERS, type: "direct" }],
    });
    expect((await signedGet(`/admin/v1/Users/${jane.scimId}`)).json).not.toHaveProperty("groups");
    const byOcid = await signedGet(`/admin/v1/Users?filter=${encodeURIComponent(`ocid eq "${JANE}"`)}&attributes=groups`);
    expect(byOcid.json).toMatchObject({ totalResults: 1, Resources: [{ ocid: JANE, groups: [{ ocid: READERS }] }] });

    oci.identity.deleteUser(JANE);
    const gone = await signedGet(`/admin/v1/Users/${jane.scimId}`);
    expect(gone).toEqual({ status: 404, json: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404", detail: `Resource ${jane.scimId} not found.` } });
  });

  it("unsigned look-ups are refused like every other OCI call", async () => {
    const jane = oci.identity.addUser({ id: JANE, name: "jane" });
    const res = await fetch(`${oci.url}/admin/v1/Users/${jane.scimId}`);
    expect(res.status).toBe(401);
  });

  it("IAM API: user group memberships by user (compartmentId required)", async () => {
    oci.identity.addUser({ id: JANE, name: "jane" });
    oci.identity.addMember(READERS, JANE);
    oci.identity.addMember(WRITERS, JANE);
    const tenancy = oci.principal.tenancyId;
    const r = await signedGet(`/20160918/userGroupMemberships?compartmentId=${tenancy}&userId=${JANE}`);
    expect(r.status).toBe(200);
    expect((r.json as Array<{ groupId: string }>).map((m) => m.groupId).sort()).toEqual([READERS, WRITERS]);
    expect(r.json).toEqual(expect.arrayContaining([expect.objectContaining({ userId: JANE, lifecycleState: "ACTIVE", compartmentId: tenancy })]));
    oci.identity.removeMember(WRITERS, JANE);
    expect(((await signedGet(`/20160918/userGroupMemberships?compartmentId=${tenancy}&userId=${JANE}`)).json as unknown[]).length).toBe(1);
    expect((await signedGet(`/20160918/userGroupMemberships?userId=${JANE}`)).status).toBe(400);
  });

  it("eventual consistency: a new user and a new membership stay invisible for the first N reads and T ms", async () => {
    oci.identity.lag = { reads: 2 };
    const jane = oci.identity.addUser({ id: JANE, name: "jane" });
    expect((await signedGet(`/admin/v1/Users/${jane.scimId}`)).status).toBe(404);
    expect((await signedGet(`/20160918/users/${JANE}`)).status).toBe(404);
    expect((await signedGet(`/admin/v1/Users/${jane.scimId}`)).status).toBe(200);

    oci.identity.lag = { ms: 150 };
    oci.identity.addMember(READERS, JANE);
    expect((await signedGet(`/admin/v1/Users/${jane.scimId}?attributes=groups`)).json).toMatchObject({ groups: [] });
    await new Promise((r) => setTimeout(r, 160));
    expect((await signedGet(`/admin/v1/Users/${jane.scimId}?attributes=groups`)).json).toMatchObject({ groups: [{ ocid: READERS }] });
  });
});
