import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPreview } from "../../../function/cli/templates/preview";
import { parseTargetUrl } from "../../../function/cli/templates/preview-target";
import { seedDirectory, startScimServer, type ScimServer } from "../../servers/scim";
import { REAL_TEMPLATES, runCli, tableRows } from "./helpers";

/** The shipped identity-domain (idcs) templates, previewed against the loopback SCIM server: OFFSET paging. */

async function clientCredentialsToken(scim: ScimServer): Promise<string> {
  const r = await fetch(`${scim.url}/oauth2/v1/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from("ag-preview:preview-secret").toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials&scope=urn%3Aopc%3Aidm%3A__myscopes__",
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { access_token: string }).access_token;
}

describe("templates:preview against an identity domain (SCIM, OFFSET)", () => {
  let scim: ScimServer;
  let token: string;
  beforeAll(async () => {
    scim = await startScimServer({ clients: [{ clientId: "ag-preview", clientSecret: "preview-secret" }] });
    seedDirectory(scim.store, { users: 7, groups: 3, groupsPerUser: 2 });
    token = await clientCredentialsToken(scim);
  });
  afterAll(() => scim.close());
  beforeEach(() => scim.counters.reset());

  const users = () => [...scim.store.users.values()];

  it("pages with startIndex/count until an empty page and maps every user with its groups (sub-request per user)", async () => {
    const pages: number[] = [];
    const result = await runPreview({
      templatesRoot: REAL_TEMPLATES,
      app: "idcs",
      entity: "UserAsAccount",
      operation: "SEARCH",
      target: parseTargetUrl(scim.url),
      authorization: `Bearer ${token}`,
      pageSize: 3,
      onPage: (p) => pages.push(p.records),
    });
    expect(result.records.map((r) => r.name)).toEqual(users().map((u) => [u.userName]));
    for (const record of result.records) {
      const uid = (record.uid as string[])[0];
      const groups = (record.groups as { uid: string[] }[]).map((g) => g.uid[0]).sort();
      expect(groups).toEqual([...(scim.store.memberOf.get(uid) ?? [])].sort());
      expect(groups).toHaveLength(2);
    }
    expect(result.records[0]).toMatchObject({ email: ["user1@example.com"], firstName: ["Given"], lastName: ["Family1"], status: ["true"] });
    // 7 users in pages of 3: 3 + 3 + 1, then an empty page ends the paging.
    expect(pages).toEqual([3, 6, 7]);
    expect(result.pages).toBe(4);
    expect(scim.counters.get("GET /admin/v1/Users")).toBe(4);
    // Each user's group sub-request pages too: one page of groups, one empty page. The parent's id travels in
    // a POST /Groups/.search body, never in a query parameter (the connector evaluates those without the
    // parent response and does not URL-encode them).
    expect(scim.counters.get("POST /admin/v1/Groups/.search")).toBe(7 * 2);
    expect(scim.counters.get("GET /admin/v1/Groups")).toBe(0);
    expect(result.requests).toBe(4 + 14);
  });

  it("GET maps one record, addressed by attributes.get('uid')", async () => {
    const user = users()[4];
    const result = await runPreview({
      templatesRoot: REAL_TEMPLATES,
      app: "idcs",
      entity: "UserAsAccount",
      operation: "GET",
      id: user.id,
      target: parseTargetUrl(scim.url),
      authorization: `Bearer ${token}`,
    });
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ uid: [user.id], name: [user.userName] });
  });

  it.each(["countries", "languages"])("the %s lookup loads the identity domain's AllowedValues in one request", async (lookup) => {
    const result = await runPreview({ templatesRoot: REAL_TEMPLATES, app: "idcs", entity: lookup, operation: "SEARCH", target: parseTargetUrl(scim.url), authorization: `Bearer ${token}` });
    expect(scim.counters.get(`GET /admin/v1/AllowedValues/${lookup}`)).toBe(1);
    const doc = (await (await fetch(`${scim.url}/admin/v1/AllowedValues/${lookup}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { attrValues: { value: string }[] };
    expect(result.records.map((r) => r.uid[0])).toEqual(doc.attrValues.map((v) => v.value));
    expect(result.records.length).toBeGreaterThan(5);
    expect(result.records.every((r) => r.name[0] === r.uid[0])).toBe(true);
  });

  it("the CLI prints an aligned table, progress on stderr, and stops at --limit", async () => {
    const run = await runCli(
      "templates-preview",
      ["--app", "idcs", "--target", scim.url, "--token", "env:PREVIEW_TOKEN", "--entity", "UserAsAccount", "--op", "SEARCH", "--page-size", "3", "--limit", "4", "--width", "80", "--max-width", "1000"],
      { PREVIEW_TOKEN: token },
    );
    expect(run.stderr).toContain("page 1 · 3 records · ");
    expect(run.stderr).toMatch(/^4 records from 2 pages \(\d+ requests\)$/m);
    const rows = tableRows(run.stdout);
    expect(rows[0]).toEqual(["uid", "name", "firstName", "lastName", "displayName", "email", "userType", "status", "locked", "groups"]);
    expect(rows.slice(1).map((r) => r[1])).toEqual(users().slice(0, 4).map((u) => u.userName));
    expect(rows[1][9].split("; ").sort()).toEqual([...(scim.store.memberOf.get(users()[0].id) ?? [])].sort());
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(run.code).toBe(0);
  });

  it("takes the connected system from an AG_SYSTEMS env file, as the template functions do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-env-"));
    try {
      const systems = [{ name: "LocalDomain", application: "idcs", scheme: "http", host: scim.host, auth: { type: "idcs", secret: "ocid1.vaultsecret.oc1..example" } }];
      writeFileSync(join(dir, "ag.env"), `AG_SYSTEMS='${JSON.stringify(systems)}'\n`);
      const run = await runCli(
        "templates-preview",
        ["--system", "localdomain", "--env", join(dir, "ag.env"), "--token", "env:PREVIEW_TOKEN", "--entity", "GroupAsEntitlement", "--op", "SEARCH", "--json"],
        { PREVIEW_TOKEN: token },
      );
      expect(run.code).toBe(0);
      const records = JSON.parse(run.stdout) as { name: string[] }[];
      expect(records.map((r) => r.name[0]).sort()).toEqual([...scim.store.groups.values()].map((g) => g.displayName).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a refused token is a clear error naming the request and status, without the token", async () => {
    const run = await runCli("templates-preview", ["--app", "idcs", "--target", scim.url, "--token", "not-a-valid-token", "--entity", "UserAsAccount", "--op", "SEARCH"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`templates-preview: GET ${scim.url}/admin/v1/Users answered 401: `));
    expect(run.stderr + run.stdout).not.toContain("not-a-valid-token");
  });

  it("bad input is refused before any request: unknown application or entity, GET without --id", async () => {
    const base = { templatesRoot: REAL_TEMPLATES, app: "idcs", target: parseTargetUrl(scim.url), authorization: `Bearer ${token}` };
    await expect(runPreview({ ...base, entity: "Nobody", operation: "SEARCH" })).rejects.toThrow(/application idcs has no entity Nobody \(have: .*UserAsAccount/);
    await expect(runPreview({ ...base, entity: "UserAsAccount", operation: "GET" })).rejects.toThrow("GET needs the record's id (--id)");
    await expect(runPreview({ ...base, app: "sap", entity: "UserAsAccount", operation: "SEARCH" })).rejects.toThrow(/no request templates for application sap \(have: adb, azuread, idcs\)/);
    expect(scim.counters.total).toBe(0);
  });
});
