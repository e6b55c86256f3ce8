import { ElSandbox } from "../../function/cli/templates/el-sandbox";
import { renderRequest } from "../../function/cli/templates/request-renderer";
import type { RequestTemplate } from "../../function/cli/templates/template-types";
import type { RunningFunction } from "../support/fdk-harness";
import { startLandscape, startRole, type Landscape } from "./support/landscape";

/**
 * The identity-domain provisioning templates, as the bundled request function serves them, evaluated the
 * way the connector does (<EL> with `attributes`, UQ:) and sent to the SCIM server: each operation must
 * change the directory as intended.
 */

let l: Landscape;
let fn: RunningFunction;
const el = new ElSandbox();
beforeAll(async () => {
  l = await startLandscape();
  fn = await startRole(l, "ag-request");
});
afterAll(async () => {
  await fn?.stop();
  await l?.close();
});

/** Asks the function for a template, fills it with the account's attributes and sends it. */
async function perform(
  operationName: string,
  attributes: Record<string, unknown>,
  child?: string,
  system: { connectedSystemName: string; entityName: string } = { connectedSystemName: "IdentityDomain", entityName: "UserAsAccount" },
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const reply = await fn.invoke({
    ...system,
    operationName,
    ...(child ? { contextData: { [operationName]: child } } : {}),
  });
  expect(reply.status).toBe(200);
  const rendered = renderRequest(reply.json as RequestTemplate, { el: (src) => el.evaluate(src, { attributes }), jp: null });
  if (!rendered) throw new Error(`${operationName}: the connector would not send this request`);
  const res = await fetch(rendered.url, { method: rendered.method, headers: rendered.headers, body: rendered.body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe("identity domain account lifecycle through the served templates", () => {
  const account = {
    name: ["ada.lovelace@example.com"],
    firstName: ["Ada"],
    lastName: ["Lovelace"],
    displayName: ["Ada Lovelace"],
    email: ["ada.lovelace@example.com"],
    userType: ["Employee"],
    password: ["Analytical-Engine-1843"],
  };
  let uid = "";

  it("CREATE makes the user with given and family name the right way round, password not echoed", async () => {
    const r = await perform("CREATE", account);
    expect(r.status).toBe(201);
    uid = String(r.body?.id);
    const u = l.scim.store.requireUser(uid);
    expect(u).toMatchObject({ userName: "ada.lovelace@example.com", givenName: "Ada", familyName: "Lovelace", email: "ada.lovelace@example.com", userType: "Employee", active: true });
    expect(JSON.stringify(r.body)).not.toContain("Analytical-Engine-1843");
  });

  it("UPDATE patches only the provisioned attributes: status (READ-only in the schema) and the rest stay", async () => {
    const before = l.scim.store.requireUser(uid);
    // Access Governance sends only PROVISION attributes on UPDATE; status is never among them.
    const r = await perform("UPDATE", { ...account, uid: [uid], displayName: ["Countess of Lovelace"] });
    expect(r.status).toBe(200);
    const after = l.scim.store.requireUser(uid);
    expect(after).toMatchObject({ displayName: "Countess of Lovelace", givenName: "Ada", familyName: "Lovelace", active: before.active });
    const stable = (u: typeof before) => ({ ...u, displayName: "", lastModified: 0, version: 0 });
    expect(stable(after)).toEqual(stable(before));
  });

  it("ENABLE and DISABLE flip active", async () => {
    expect((await perform("ENABLE", { uid: [uid] })).status).toBe(200);
    expect(l.scim.store.requireUser(uid).active).toBe(true);
    expect((await perform("DISABLE", { uid: [uid] })).status).toBe(200);
    expect(l.scim.store.requireUser(uid).active).toBe(false);
  });

  it("ADD_CHILD_DATA and REMOVE_CHILD_DATA change group membership", async () => {
    const group = l.scim.store.createGroup({ displayName: "DB_ANALYSTS" });
    const other = l.scim.store.createUser({ userName: "charles.babbage@example.com" });
    l.scim.store.addMembers(group.id, [other.id]);
    const attrs = { uid: [uid], groups: { uid: [group.id] } };
    expect((await perform("ADD_CHILD_DATA", attrs, "groups")).status).toBe(200);
    expect([...group.members]).toEqual([other.id, uid]);
    expect((await perform("REMOVE_CHILD_DATA", attrs, "groups")).status).toBe(200);
    expect([...group.members]).toEqual([other.id]);
  });

  it("DELETE removes the user", async () => {
    expect((await perform("DELETE", { uid: [uid] })).status).toBe(204);
    expect(l.scim.store.users.has(uid)).toBe(false);
  });
});

describe("Entra ID entitlement changes through the served templates (Graph)", () => {
  const entra = { connectedSystemName: "EntraID", entityName: "Account" };
  const change = (op: "ADD_CHILD_DATA" | "REMOVE_CHILD_DATA", attr: string, uid: string, entitlement: string) =>
    perform(op, { uid: [uid], [attr]: { uid: [entitlement] } }, attr, entra);

  it.each([
    ["securityGroups", () => l.graph.addGroup("Payroll readers", [])],
    ["officeGroups", () => l.graph.addGroup("Payroll team", [], { groupTypes: ["Unified"] })],
    ["roles", () => l.graph.addRole("Helpdesk Administrator")],
  ])("%s: ADD_CHILD_DATA adds a member (204), a second add is Graph's 400, REMOVE_CHILD_DATA removes it", async (attr, make) => {
    const user = l.graph.addUser({ userPrincipalName: `${attr}@contoso.test`, displayName: attr, givenName: "A", surname: "B" });
    const target = make();
    expect((await change("ADD_CHILD_DATA", attr, user.id, target.id)).status).toBe(204);
    expect(target.members).toEqual([user.id]);
    const again = await change("ADD_CHILD_DATA", attr, user.id, target.id);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: { code: "Request_BadRequest", message: expect.stringContaining("already exist") } });
    expect((await change("REMOVE_CHILD_DATA", attr, user.id, target.id)).status).toBe(204);
    expect(target.members).toEqual([]);
    expect((await change("REMOVE_CHILD_DATA", attr, user.id, target.id)).body).toMatchObject({ error: { code: "Request_ResourceNotFound" } });
  });

  it("licenses: assignLicense adds and removes the SKU; a user without usage location is refused", async () => {
    const sku = l.graph.addSku("SPE_E3", 1);
    const user = l.graph.addUser({ userPrincipalName: "licensed@contoso.test", displayName: "L", givenName: "L", surname: "L", usageLocation: "DE" });
    const noLocation = l.graph.addUser({ userPrincipalName: "nowhere@contoso.test", displayName: "N", givenName: "N", surname: "N" });
    const refused = await change("ADD_CHILD_DATA", "licenses", noLocation.id, sku.skuId);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: "Request_BadRequest", message: expect.stringContaining("usage location") } });
    const added = await change("ADD_CHILD_DATA", "licenses", user.id, sku.skuId);
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id: user.id });
    expect(l.graph.licenses.get(user.id)).toEqual([sku.skuId]);
    expect((await change("REMOVE_CHILD_DATA", "licenses", user.id, sku.skuId)).status).toBe(200);
    expect(l.graph.licenses.get(user.id)).toEqual([]);
  });

  it("Graph refuses to change a mail-enabled security group's members (the SecurityGroup SEARCH does not list one)", async () => {
    const user = l.graph.addUser({ userPrincipalName: "mail@contoso.test", displayName: "M", givenName: "M", surname: "M" });
    const dl = l.graph.addGroup("All hands (mail)", [], { securityEnabled: true, mailEnabled: true });
    const r = await change("ADD_CHILD_DATA", "securityGroups", user.id, dl.id);
    expect(r.status).toBe(400);
    expect(dl.members).toEqual([]);
  });
});
