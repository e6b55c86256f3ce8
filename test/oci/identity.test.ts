import { createIdentityLookup, IdentityError } from "../../function/src/identity";
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
});
afterAll(() => oci.close());
beforeEach(() => {
  oci.stats.reset();
  oci.faults.clear();
});

const lookup = (domain: boolean, o: { now?: () => number } = {}) =>
  createIdentityLookup({
    ...(domain ? { domainUrl: oci.url } : { endpoint: oci.url }),
    log: captureLogger().log,
    retry: FAST,
    now: o.now,
  });

describe("IAM API look-up (real IdentityClient)", () => {
  it("finds a user and a group by OCID", async () => {
    const l = lookup(false);
    expect(await l.user(JANE)).toEqual({ id: JANE, name: "jane.doe@example.com", email: "jane.doe@example.com", active: true, blocked: false });
    expect(await l.user(BOB)).toEqual({ id: BOB, name: "bob", active: false, blocked: true });
    expect(await l.group(READERS)).toEqual({ id: READERS, name: "DB_Readers" });
    expect(oci.stats.count("identity.getUser")).toBe(2);
    expect(oci.stats.count("identity.getGroup")).toBe(1);
  });

  it("a deleted user (404) is null, and that answer is cached briefly", async () => {
    let t = 0;
    const l = lookup(false, { now: () => t });
    expect(await l.user(GONE)).toBeNull();
    expect(await l.user(GONE)).toBeNull();
    expect(oci.stats.count("identity.getUser")).toBe(1);
    t += 61_000;
    expect(await l.user(GONE)).toBeNull();
    expect(oci.stats.count("identity.getUser")).toBe(2);
  });

  it("maps failures to specific errors", async () => {
    oci.faults.next({ status: 503, times: 5, match: "/users/" });
    const err = (await lookup(false).user(JANE).catch((e: unknown) => e)) as IdentityError;
    expect(err).toBeInstanceOf(IdentityError);
    expect(err.reason).toBe("unavailable");
    expect(err.message).toBe(`IAM user ${JANE}: unavailable after retries (OCI answered 503 ServiceUnavailable)`);
    oci.faults.clear();
    await expect(lookup(false).group("ocid1.user.oc1..notagroup")).rejects.toThrow(/not an IAM group OCID/);
    expect(oci.stats.count("identity.getGroup")).toBe(0);
  });
});

describe("identity domain look-up (real IdentityDomainsClient, SCIM filter on ocid)", () => {
  it("finds users and groups by OCID through a filter", async () => {
    const l = lookup(true);
    expect(await l.user(JANE)).toEqual({ id: JANE, name: "jane.doe@example.com", email: "jane.doe@example.com", active: true, blocked: false });
    expect(await l.user(BOB)).toEqual({ id: BOB, name: "bob", active: false, blocked: true });
    expect(await l.group(READERS)).toEqual({ id: READERS, name: "DB_Readers" });
    const asked = oci.stats.requests.map((r) => decodeURIComponent(r.path));
    expect(asked.some((p) => p.startsWith("/admin/v1/Users?") && p.includes(`filter=ocid eq "${JANE}"`))).toBe(true);
    expect(asked.some((p) => p.startsWith("/admin/v1/Groups?") && p.includes(`filter=ocid eq "${READERS}"`))).toBe(true);
  });

  it("a refused look-up (403) is a specific, permanent error", async () => {
    oci.faults.next({ status: 403, match: "/admin/v1/Users" });
    const err = (await lookup(true).user(JANE).catch((e: unknown) => e)) as IdentityError;
    expect(err.reason).toBe("denied");
    expect(err.message).toBe(`identity domain user ${JANE}: look-up not authorized (403); check the function's policy`);
    expect(oci.stats.count("domains.listUsers")).toBe(1);
  });

  it("no match is null", async () => {
    expect(await lookup(true).user(GONE)).toBeNull();
    expect(await lookup(true).group("ocid1.group.oc1..aaaaaaaanone")).toBeNull();
  });
});
