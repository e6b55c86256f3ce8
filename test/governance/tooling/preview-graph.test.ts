import { runPreview } from "../../../function/cli/templates/preview";
import { parseTargetUrl } from "../../../function/cli/templates/preview-target";
import { startGraphServer, type GraphServer } from "../../servers/graph/server";
import { REAL_TEMPLATES, runCli, tableRows } from "./helpers";

/** The shipped Entra ID (azuread) templates against the Graph-like server: PAGE_TOKEN paging via @odata.nextLink. */

describe("templates:preview against Microsoft Graph (PAGE_TOKEN)", () => {
  const token = "graph-test-token-7f3a";
  let graph: GraphServer;
  beforeAll(async () => {
    graph = await startGraphServer({ token });
    const people = ["ada", "brian", "chen", "dora", "emil"].map((n, i) =>
      graph.addUser({ userPrincipalName: `${n}@contoso.example`, displayName: `${n[0].toUpperCase()}${n.slice(1)} Tester`, givenName: n, surname: `Tester${i}` }),
    );
    graph.addGroup("Finance", [people[0].id, people[2].id]);
    graph.addGroup("Engineering", [people[1].id, people[2].id, people[3].id]);
    graph.addGroup("All staff", people.map((p) => p.id), { groupTypes: ["Unified"] });
    // A distribution list is neither: Graph cannot change its members, so no template offers it.
    graph.addGroup("Newsletter", [people[4].id], { securityEnabled: false, mailEnabled: true });
    graph.addGroup("Mail-enabled security", [people[4].id], { securityEnabled: true, mailEnabled: true });
    graph.addRole("User Administrator", [people[2].id]);
    const e3 = graph.addSku("ENTERPRISEPACK");
    graph.licenses.set(people[0].id, [e3.skuId]);
  });
  afterAll(() => graph.close());
  beforeEach(() => graph.requests.clear());

  const run = (o: { pageSize?: number; limit?: number } = {}) =>
    runPreview({
      templatesRoot: REAL_TEMPLATES,
      app: "azuread",
      entity: "Account",
      operation: "SEARCH",
      target: parseTargetUrl(graph.url),
      authorization: `Bearer ${token}`,
      ...o,
    });

  it("follows the skip token from @odata.nextLink and stops when the last page has none", async () => {
    const result = await run({ pageSize: 2 });
    expect(result.records.map((r) => r.name[0])).toEqual(graph.users.map((u) => u.userPrincipalName));
    expect(graph.requests.get("GET /v1.0/users")).toBe(3);
    expect(result.pages).toBe(3);
    const names = (upn: string, attr: string, all: { id?: string; skuId?: string; displayName?: string; skuPartNumber?: string }[]) =>
      (result.records.find((r) => r.name[0] === upn)?.[attr] as { uid: string[] }[])
        .map((g) => all.find((x) => (x.id ?? x.skuId) === g.uid[0]))
        .map((x) => x?.displayName ?? x?.skuPartNumber)
        .sort();
    expect(names("chen@contoso.example", "securityGroups", graph.groups)).toEqual(["Engineering", "Finance"]);
    expect(names("chen@contoso.example", "officeGroups", graph.groups)).toEqual(["All staff"]);
    expect(names("chen@contoso.example", "roles", graph.roles)).toEqual(["User Administrator"]);
    expect(names("ada@contoso.example", "licenses", graph.skus)).toEqual(["ENTERPRISEPACK"]);
    expect(names("emil@contoso.example", "securityGroups", graph.groups)).toEqual([]);
    expect(names("emil@contoso.example", "officeGroups", graph.groups)).toEqual(["All staff"]);
    // Two filtered memberOf reads per user (advanced queries), one for roles, one for licences.
    expect(graph.requests.get("GET /v1.0/users/{id}/memberOf/microsoft.graph.group")).toBe(10);
    expect(graph.requests.get("GET /v1.0/users/{id}/memberOf/microsoft.graph.directoryRole")).toBe(5);
    expect(graph.requests.get("GET /v1.0/users/{id}/licenseDetails")).toBe(5);
  });

  it.each([
    ["SecurityGroup", ["Engineering", "Finance"]],
    ["OfficeGroup", ["All staff"]],
    ["Role", ["User Administrator"]],
    ["License", ["ENTERPRISEPACK"]],
  ])("%s SEARCH lists exactly its kind of entitlement", async (entity, expected) => {
    const result = await runPreview({ templatesRoot: REAL_TEMPLATES, app: "azuread", entity, operation: "SEARCH", target: parseTargetUrl(graph.url), authorization: `Bearer ${token}`, pageSize: 1 });
    expect(result.records.map((r) => r.name[0]).sort()).toEqual(expected);
  });

  it("group SEARCH pages its filtered list with the skip token (one group per page)", async () => {
    const result = await runPreview({ templatesRoot: REAL_TEMPLATES, app: "azuread", entity: "SecurityGroup", operation: "SEARCH", target: parseTargetUrl(graph.url), authorization: `Bearer ${token}`, pageSize: 1 });
    expect(result.pages).toBe(2);
    expect(graph.requests.get("GET /v1.0/groups")).toBe(2);
  });

  it("License GET picks the SKU by its skuId", async () => {
    const sku = graph.skus[0];
    const result = await runPreview({ templatesRoot: REAL_TEMPLATES, app: "azuread", entity: "License", operation: "GET", id: sku.skuId, target: parseTargetUrl(graph.url), authorization: `Bearer ${token}` });
    expect(result.records[0]).toMatchObject({ uid: [sku.skuId], name: ["ENTERPRISEPACK"], enabledUnits: ["25"], consumedUnits: ["1"] });
  });

  it("one page when everything fits: no nextLink, no token, no second request", async () => {
    const result = await run({ pageSize: 10 });
    expect(result.records).toHaveLength(5);
    expect(graph.requests.get("GET /v1.0/users")).toBe(1);
  });

  it("the CLI shows the same records as a table", async () => {
    const cli = await runCli(
      "templates-preview",
      ["--app", "azuread", "--target", graph.url, "--token", "env:GRAPH_TOKEN", "--entity", "Account", "--op", "SEARCH", "--page-size", "2", "--verbose", "--max-width", "1000"],
      { GRAPH_TOKEN: token },
    );
    expect(cli.code).toBe(0);
    const rows = tableRows(cli.stdout);
    const name = rows[0].indexOf("name");
    expect(rows.slice(1).map((r) => r[name])).toEqual(graph.users.map((u) => u.userPrincipalName));
    expect(cli.stderr).toMatch(/^5 records from 3 pages \(23 requests\)$/m);
    // --verbose traces each request without its query string (tokens, filters) or headers.
    const trace = cli.stderr.split("\n").filter((l) => l.startsWith("GET "));
    expect(trace.filter((l) => l === `GET ${graph.url}/v1.0/users → 200`)).toHaveLength(3);
    expect(trace).toHaveLength(23);
    expect(cli.stderr).not.toMatch(/skiptoken|graph-test-token/);
  });
});

describe("templates:preview table width", () => {
  it("fits 120 columns by default in a pipe, says values were cut, and counts in correct plurals", async () => {
    const graph = await startGraphServer({ token: "t" });
    try {
      graph.addUser({ userPrincipalName: "a-rather-long-user-principal-name@contoso.example", displayName: "Only One", givenName: "only", surname: "One" });
      const cli = await runCli("templates-preview", ["--app", "azuread", "--target", graph.url, "--token", "t", "--entity", "Account", "--op", "SEARCH"], {});
      const widths = cli.stdout.split("\n").filter((l) => l !== "").map((l) => l.length);
      expect(Math.max(...widths)).toBeLessThanOrEqual(120);
      expect(cli.stderr).toMatch(/^1 record from 1 page \(\d+ requests?\)$/m);
      expect(cli.stderr).toMatch(/values cut to fit 120 columns .*--json shows them in full/);
    } finally {
      await graph.close();
    }
  });
});
