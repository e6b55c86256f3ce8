import { createUserStateReader } from "../../function/src/identity/user-state";
import { IdentityError } from "../../function/src/identity/types";
import { OciRequestError, OciTransientError } from "../../function/src/oci/call";
import { startOciServer, type OciServer } from "../servers/oci/server";
import { captureLogger, useResourcePrincipal } from "./support";

const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const JANE = "ocid1.user.oc1..aaaaaaaajane";
const BOB = "ocid1.user.oc1..aaaaaaaabob";
const GONE = "ocid1.user.oc1..aaaaaaaagone";
const READERS = "ocid1.group.oc1..aaaaaaaadbreaders";

let oci: OciServer;
beforeAll(async () => {
  oci = await startOciServer();
  useResourcePrincipal(oci.env);
  oci.identity.addUser({ id: JANE, name: "jane.doe@example.com", email: "jane.doe@example.com" });
  oci.identity.addUser({ id: BOB, name: "bob", active: false, blocked: true });
  oci.identity.addGroup({ id: READERS, name: "DB_Readers" });
  oci.identity.addMember(READERS, JANE);
});
afterAll(() => oci.close());
beforeEach(() => {
  oci.stats.reset();
  oci.faults.clear();
});

/** Both backends, signed with the resource principal (signed-request, no SDK client). */
const reader = (domain: boolean) =>
  createUserStateReader({ ...(domain ? { domainUrl: oci.url } : {}), iamEndpoint: oci.url, log: captureLogger().log, retry: FAST, groupTtlMs: 60_000 });

describe.each([
  ["identity domain (SCIM filter on ocid, groups attribute)", true],
  ["IAM API (user, memberships, group names)", false],
] as const)("user state from the %s", (_label, domain) => {
  it("reads a user with its groups, and a blocked, inactive one", async () => {
    const r = reader(domain);
    expect(await r.read(JANE)).toEqual({ kind: "found", user: { ocid: JANE, userName: "jane.doe@example.com", blocked: false, groups: [{ id: READERS, name: "DB_Readers" }] } });
    expect(await r.read(BOB)).toEqual({ kind: "found", user: { ocid: BOB, userName: "bob", blocked: true, groups: [] } });
    expect(r.calls).toBe(domain ? 2 : 5);
  });

  it("a user IAM does not know is absent, read fresh every time (no cache across an event's change)", async () => {
    const r = reader(domain);
    expect(await r.read(GONE)).toEqual({ kind: "absent" });
    oci.identity.addUser({ id: GONE, name: "late" });
    expect((await r.read(GONE)).kind).toBe("found");
    oci.identity.deleteUser(GONE);
  });

  it("retries a transient failure, then names the user and status", async () => {
    oci.faults.next({ status: 503, times: 5 });
    const err = await reader(domain).read(JANE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OciTransientError);
    expect((err as Error).message).toMatch(new RegExp(`${JANE}.*503`));
  });

  it("a refused read (403) is permanent", async () => {
    oci.faults.next({ status: 403 });
    expect(await reader(domain).read(JANE).catch((e: unknown) => e)).toBeInstanceOf(OciRequestError);
  });

  it("a user name outside the IAM alphabet is refused at the boundary", async () => {
    oci.identity.addUser({ id: "ocid1.user.oc1..aaaaaaaaevil", name: "x';drop" });
    const err = await reader(domain).read("ocid1.user.oc1..aaaaaaaaevil").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityError);
    expect((err as Error).message).toMatch(/may only contain/);
  });
});

describe("identity domain replies at the boundary", () => {
  it.each([
    ["a list without totalResults", { Resources: [] }, /totalResults Required/],
    ["Resources that are not a list", { totalResults: 1, Resources: { ocid: JANE } }, /Resources Expected array/],
    ["a user without a user name", { totalResults: 1, Resources: [{ ocid: JANE }] }, /userName Required/],
  ])("an identity domain reply with %s is refused, naming the field", async (_, json, message) => {
    oci.faults.next({ json, match: "/admin/v1/Users" });
    const err = await reader(true).read(JANE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityError);
    expect((err as Error).message).toMatch(message);
  });
});
