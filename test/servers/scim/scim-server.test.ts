import { scimAttribute, seedDirectory, startScimServer, URN, type ScimServer } from "./index";

/** The reply fields these tests read (SCIM resources, list responses and errors share one loose shape). */
interface Body {
  [key: string]: unknown;
  id: string;
  userName: string;
  displayName: string;
  totalResults: number;
  detail: string;
  Resources: Body[];
  members?: { value: string }[];
  groups?: Record<string, unknown>[];
  meta: { version: string };
}

let srv: ScimServer;
let token: string;

async function call(method: string, path: string, body?: unknown, auth = `Bearer ${token}`) {
  const res = await fetch(srv.url + path, {
    method,
    headers: { Authorization: auth, ...(body === undefined ? {} : { "Content-Type": "application/scim+json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Body) : undefined };
}

async function getToken(form: Record<string, string>, basic?: string): Promise<Response> {
  return fetch(`${srv.url}/oauth2/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(basic ? { Authorization: `Basic ${basic}` } : {}) },
    body: new URLSearchParams(form).toString(),
  });
}

beforeEach(async () => {
  srv = await startScimServer({ tokenTtlSeconds: 600 });
  const res = await getToken({ grant_type: "client_credentials", scope: "urn:opc:idm:__myscopes__" }, Buffer.from("scim-client:scim-secret").toString("base64"));
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterEach(() => srv.close());

describe("OAuth", () => {
  it("issues bearer tokens for client credentials (basic or form client auth) and refuses others", async () => {
    const viaForm = await getToken({ grant_type: "client_credentials", scope: "urn:opc:idm:__myscopes__", client_id: "scim-client", client_secret: "scim-secret" });
    expect(viaForm.status).toBe(200);
    expect(await viaForm.json()).toMatchObject({ token_type: "Bearer", expires_in: 600 });
    expect((await getToken({ grant_type: "client_credentials", scope: "urn:opc:idm:__myscopes__", client_id: "scim-client", client_secret: "nope" })).status).toBe(401);
    expect((await getToken({ grant_type: "password", scope: "urn:opc:idm:__myscopes__", client_id: "scim-client", client_secret: "scim-secret" })).status).toBe(400);
    expect((await getToken({ grant_type: "client_credentials", scope: "other", client_id: "scim-client", client_secret: "scim-secret" })).status).toBe(400);
    expect(srv.tokensIssued()).toBe(2);
  });

  it("answers 401 without a valid token and after revocation", async () => {
    expect((await call("GET", "/admin/v1/Users", undefined, "Bearer forged")).status).toBe(401);
    expect((await call("GET", "/admin/v1/Users")).status).toBe(200);
    srv.revokeTokens();
    const r = await call("GET", "/admin/v1/Users");
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toContain("invalid_token");
  });
});

describe("Users", () => {
  it("creates, reads, replaces and deletes a user in identity-domain shape", async () => {
    const created = await call("POST", "/admin/v1/Users", {
      schemas: [URN.user],
      userName: "jane.doe@example.com",
      name: { givenName: "Jane", familyName: "Doe" },
      emails: [{ value: "jane.doe@example.com", type: "work", primary: true }],
      password: "Secret-123",
    });
    expect(created.status).toBe(201);
    const u = created.json!;
    expect(u).toMatchObject({ userName: "jane.doe@example.com", active: true, name: { givenName: "Jane", familyName: "Doe", formatted: "Jane Doe" } });
    expect(u.id).toMatch(/^[0-9a-f]{32}$/);
    expect(u.ocid).toMatch(/^ocid1\.user\.oc1\.\./);
    expect(u[URN.userState]).toEqual({ locked: { on: false } });
    expect(JSON.stringify(u)).not.toContain("Secret-123");
    expect(created.headers.get("location")).toBe(`${srv.url}/admin/v1/Users/${u.id}`);

    expect((await call("POST", "/admin/v1/Users", { userName: "JANE.DOE@example.com" })).status).toBe(409);
    expect((await call("GET", `/admin/v1/Users/${u.id}`)).json).toEqual(u);

    const put = await call("PUT", `/admin/v1/Users/${u.id}`, { userName: "jane.doe@example.com", displayName: "Jane D", active: false });
    expect(put.json).toMatchObject({ displayName: "Jane D", active: false });
    expect(put.json!.meta.version).toBe('W/"2"');

    expect((await call("DELETE", `/admin/v1/Users/${u.id}?forceDelete=true`)).status).toBe(204);
    const gone = await call("GET", `/admin/v1/Users/${u.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ schemas: [URN.error], status: "404" });
  });

  it("rejects bad bodies with a specific message and changes nothing", async () => {
    const r = await call("POST", "/admin/v1/Users", { userName: "x@example.com", active: "true" });
    expect(r.status).toBe(400);
    expect(r.json!.detail).toBe("active: active must be a JSON boolean");
    expect(srv.store.users.size).toBe(0);
    expect((await call("POST", "/admin/v1/Users", { displayName: "no name" })).json!.detail).toMatch(/^username: /);
  });

  it("pages per RFC 7644 with startIndex/count/totalResults/itemsPerPage", async () => {
    seedDirectory(srv.store, { users: 120, groups: 3 });
    const p1 = await call("GET", "/admin/v1/Users?startIndex=1&count=50");
    expect(p1.json).toMatchObject({ schemas: [URN.listResponse], totalResults: 120, startIndex: 1, itemsPerPage: 50 });
    const p3 = await call("GET", "/admin/v1/Users?startIndex=101&count=50");
    expect(p3.json).toMatchObject({ totalResults: 120, startIndex: 101, itemsPerPage: 20 });
    expect(p3.json!.Resources[0].userName).toBe("user101@example.com");
    const none = await call("GET", "/admin/v1/Users?count=0");
    expect(none.json).toMatchObject({ totalResults: 120, itemsPerPage: 0, Resources: [] });
    expect((await call("GET", "/admin/v1/Users?count=abc")).status).toBe(400);
  });

  it("filters with eq, co, sw, and/or/not, value paths and extension attributes", async () => {
    const { userIds } = seedDirectory(srv.store, { users: 30, groups: 2, lockedEvery: 10, inactiveEvery: 15 });
    const q = async (f: string) => (await call("GET", `/admin/v1/Users?count=100&filter=${encodeURIComponent(f)}`)).json!;
    expect((await q('userName eq "USER7@example.com"')).Resources.map((r) => r.userName)).toEqual(["user7@example.com"]);
    expect((await q('userName sw "user2"')).totalResults).toBe(11);
    expect((await q('displayName co "family1"')).totalResults).toBe(11);
    expect((await q('userName eq "user1@example.com" or userName eq "user2@example.com"')).totalResults).toBe(2);
    expect((await q('userName sw "user1" and active eq false')).totalResults).toBe(1);
    expect((await q("not (active eq true)")).totalResults).toBe(2);
    expect((await q(`urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User:locked.on eq true`)).totalResults).toBe(3);
    expect((await q('emails[type eq "work" and value ew "3@example.com"]')).totalResults).toBe(3);
    const ocid = srv.store.users.get(userIds[4])!.ocid;
    expect((await q(`ocid eq "${ocid}"`)).Resources[0].id).toBe(userIds[4]);
    const bad = await call("GET", `/admin/v1/Users?filter=${encodeURIComponent('userName zz "x"')}`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ scimType: "invalidFilter", detail: "invalid filter: unknown operator after userName" });
  });

  it("projects attributes and returns request-only groups only when asked", async () => {
    const { userIds } = seedDirectory(srv.store, { users: 2, groups: 2, groupsPerUser: 1 });
    const plain = await call("GET", `/admin/v1/Users/${userIds[0]}`);
    expect(plain.json!.groups).toBeUndefined();
    const some = await call("GET", `/admin/v1/Users/${userIds[0]}?attributes=userName,name.givenName,groups`);
    expect(Object.keys(some.json!).sort()).toEqual(["groups", "id", "name", "schemas", "userName"]);
    expect(some.json!.name).toEqual({ givenName: "Given" });
    expect(some.json!.groups).toHaveLength(1);
    expect(some.json!.groups?.[0]).toMatchObject({ display: expect.stringMatching(/^group/), type: "direct" });
    const excluded = await call("GET", `/admin/v1/Users?excludedAttributes=emails,meta`);
    expect(excluded.json!.Resources[0].emails).toBeUndefined();
    expect(excluded.json!.Resources[0].userName).toBeDefined();
  });

  it("patches single attributes and changes status through UserStatusChanger", async () => {
    const [id] = seedDirectory(srv.store, { users: 1, groups: 0 }).userIds;
    const r = await call("PATCH", `/admin/v1/Users/${id}`, {
      schemas: [URN.patchOp],
      Operations: [
        { op: "replace", path: "displayName", value: "Renamed" },
        { op: "Replace", path: "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User:locked.on", value: true },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ displayName: "Renamed", [URN.userState]: { locked: { on: true } } });
    const bad = await call("PATCH", `/admin/v1/Users/${id}`, { schemas: [URN.patchOp], Operations: [{ op: "replace", path: "active", value: "no" }] });
    expect(bad.status).toBe(400);
    expect(srv.store.users.get(id)!.active).toBe(true);
    const st = await call("PUT", `/admin/v1/UserStatusChanger/${id}`, { schemas: [URN.statusChanger], active: false });
    expect(st.json).toMatchObject({ id, active: false });
    expect(srv.store.users.get(id)!.active).toBe(false);
  });
});

describe("Groups", () => {
  it("manages membership with PatchOp add and filtered remove, and filters on members.value", async () => {
    const { userIds } = seedDirectory(srv.store, { users: 3, groups: 0 });
    const g = (await call("POST", "/admin/v1/Groups", { schemas: [URN.group], displayName: "DB_READERS", members: [{ value: userIds[0], type: "User" }] })).json!;
    expect(g.members).toHaveLength(1);
    const add = await call("PATCH", `/admin/v1/Groups/${g.id}?attributes=members`, {
      schemas: [URN.patchOp],
      Operations: [{ op: "add", path: "members", value: [{ value: userIds[1], type: "User" }, { value: userIds[2], type: "User" }] }],
    });
    expect(add.json!.members?.map((m) => m.value)).toEqual(userIds);
    const rm = await call("PATCH", `/admin/v1/Groups/${g.id}?attributes=members`, {
      schemas: [URN.patchOp],
      Operations: [{ op: "remove", path: `members[value eq "${userIds[1]}"]` }],
    });
    expect(rm.json!.members?.map((m) => m.value)).toEqual([userIds[0], userIds[2]]);
    const of2 = await call("GET", `/admin/v1/Groups?filter=${encodeURIComponent(`members.value eq "${userIds[2]}"`)}`);
    expect(of2.json!.Resources.map((x) => x.displayName)).toEqual(["DB_READERS"]);
    expect(of2.json!.Resources[0].members).toBeUndefined();
    const of1 = await call("GET", `/admin/v1/Groups?filter=${encodeURIComponent(`members.value eq "${userIds[1]}"`)}`);
    expect(of1.json!.totalResults).toBe(0);

    const bogus = await call("PATCH", `/admin/v1/Groups/${g.id}`, { schemas: [URN.patchOp], Operations: [{ op: "add", path: "members", value: [{ value: "nobody" }] }] });
    expect(bogus.status).toBe(400);
    expect(srv.store.groups.get(g.id)!.members.size).toBe(2);

    expect((await call("DELETE", `/admin/v1/Groups/${g.id}`)).status).toBe(204);
    expect(srv.store.memberOf.get(userIds[0])!.size).toBe(0);
  });

  it("serves POST .search like GET", async () => {
    seedDirectory(srv.store, { users: 5, groups: 4 });
    const r = await call("POST", "/admin/v1/Groups/.search", { schemas: [URN.searchRequest], filter: 'displayName sw "group"', startIndex: 3, count: 10, attributes: ["displayName"] });
    expect(r.json).toMatchObject({ totalResults: 4, startIndex: 3, itemsPerPage: 2 });
    expect(Object.keys(r.json!.Resources[0]).sort()).toEqual(["displayName", "id", "schemas"]);
  });
});

describe("faults and counters", () => {
  it("fails a given page n times, then serves it; counts requests per route", async () => {
    seedDirectory(srv.store, { users: 10, groups: 0 });
    const fault = srv.faults.inject({ method: "GET", path: "/admin/v1/Users", query: { startIndex: "6" }, status: 503, times: 2, retryAfterSeconds: 1 });
    expect((await call("GET", "/admin/v1/Users?startIndex=1&count=5")).status).toBe(200);
    const f1 = await call("GET", "/admin/v1/Users?startIndex=6&count=5");
    expect(f1.status).toBe(503);
    expect(f1.headers.get("retry-after")).toBe("1");
    expect((await call("GET", "/admin/v1/Users?startIndex=6&count=5")).status).toBe(503);
    expect((await call("GET", "/admin/v1/Users?startIndex=6&count=5")).status).toBe(200);
    expect(fault).toMatchObject({ fired: 2, remaining: 0 });
    await call("GET", `/admin/v1/Users/${[...srv.store.users.keys()][0]}`);
    expect(srv.counters.get("GET /admin/v1/Users")).toBe(4);
    expect(srv.counters.get("GET /admin/v1/Users/{id}")).toBe(1);
    expect(srv.counters.get("POST /oauth2/v1/token")).toBe(1);
  });

  it("can drop the connection", async () => {
    srv.faults.inject({ path: "/admin/v1/Groups", status: "drop" });
    await expect(call("GET", "/admin/v1/Groups")).rejects.toThrow();
    expect((await call("GET", "/admin/v1/Groups")).status).toBe(200);
  });
});

describe("Schemas and AllowedValues", () => {
  it("lists the schemas in a pageable ListResponse, the custom user schema last with its attributes", async () => {
    srv.store.customAttributes.push(scimAttribute("costCentre", "string", { idcsDisplayName: "Cost centre" }));
    const all = await call("GET", "/admin/v1/Schemas");
    expect(all.json).toMatchObject({ schemas: [URN.listResponse], totalResults: 5, startIndex: 1, itemsPerPage: 5 });
    const custom = all.json!.Resources[4];
    expect(custom).toMatchObject({ id: URN.custom, schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"], attributes: [{ name: "costCentre", type: "string", mutability: "readWrite", returned: "default" }] });
    const second = await call("GET", "/admin/v1/Schemas?startIndex=2&count=1");
    expect(second.json).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 1, Resources: [{ id: URN.group }] });
    expect((await call("GET", `/admin/v1/Schemas/${URN.custom}`)).json).toMatchObject({ id: URN.custom });
    expect((await call("GET", "/admin/v1/Schemas/urn:nope")).status).toBe(404);
    expect((await call("GET", "/admin/v1/Schemas", undefined, "Bearer forged")).status).toBe(401);
  });

  it("renders a user's custom values under the custom schema's URN, also when asked for by URN", async () => {
    const u = srv.store.createUser({ userName: "ada@example.com" });
    srv.store.customValues.set(u.id, { costCentre: "CC-42" });
    const one = await call("GET", `/admin/v1/Users/${u.id}?attributes=userName,${URN.custom}`);
    expect(one.json).toMatchObject({ userName: "ada@example.com", [URN.custom]: { costCentre: "CC-42" } });
    expect(one.json!.schemas).toContain(URN.custom);
  });

  it("serves AllowedValues for countries and languages, 404 for other names", async () => {
    const countries = await call("GET", "/admin/v1/AllowedValues/countries");
    expect(countries.json).toMatchObject({ id: "countries", attrValues: expect.arrayContaining([{ value: "US" }, { value: "DE" }]) });
    expect((await call("GET", "/admin/v1/AllowedValues/languages")).json).toMatchObject({ attrValues: expect.arrayContaining([{ value: "en-US" }]) });
    expect((await call("GET", "/admin/v1/AllowedValues/planets")).status).toBe(404);
  });
});

describe("seed", () => {
  it("builds 100,000 users and 5,000 groups with even memberships that the API serves", async () => {
    const r = seedDirectory(srv.store, { users: 100_000, groups: 5_000, groupsPerUser: 2 });
    expect(r).toMatchObject({ memberships: 200_000 });
    expect(srv.store.users.size).toBe(100_000);
    expect(srv.store.groups.size).toBe(5_000);
    const last = await call("GET", "/admin/v1/Users?startIndex=99901&count=1000&attributes=userName");
    expect(last.json).toMatchObject({ totalResults: 100_000, itemsPerPage: 100 });
    expect(last.json!.Resources[99].userName).toBe("user100000@example.com");
    const groupsOfLast = await call("GET", `/admin/v1/Groups?filter=${encodeURIComponent(`members.value eq "${r.userIds[99_999]}"`)}`);
    expect(groupsOfLast.json!.totalResults).toBe(2);
    const sizes = [...srv.store.groups.values()].map((g) => g.members.size);
    expect(new Set(sizes)).toEqual(new Set([40]));
  });
});
