import { MASK, runPreview, type PreviewOptions } from "../../../function/cli/templates/preview";
import { parseTargetUrl } from "../../../function/cli/templates/preview-target";
import { DEFAULT_ADMIN, startOrdsServer, type OrdsServer } from "../../servers/ords";
import { basicAuth, one } from "../../servers/ords/test-client";
import { AG_ALIAS, AG_CLIENT, setUpAgSchema } from "../../support/ag-schema";
import { basic, FIXTURE_TEMPLATES, REAL_TEMPLATES, runCli, scratchCopy } from "./helpers";

/**
 * ORDS REST-enabled SQL: the shipped adb templates (OFFSET, offset/limit in the JSON body) and the fixture
 * ordspages set (PAGE_INCREMENT), against the loopback ORDS server: the adb set through Access Governance's
 * least-privilege schema (its own alias and OAuth client), the fixture set as ADMIN with Basic auth.
 */

const ACCOUNTS = ["ALICE", "BOB", "CAROL", "DAVE"];

describe("templates:preview against ORDS REST-enabled SQL", () => {
  let ords: OrdsServer;
  let agBearer = "";
  const auth = basic(DEFAULT_ADMIN.username, DEFAULT_ADMIN.password);
  beforeAll(async () => {
    ords = await startOrdsServer({
      seed: (db) => {
        db.createRole("APP_READ");
        db.createRole("APP_WRITE");
        for (const name of [...ACCOUNTS, "ERIN"]) {
          db.createUser(name);
          db.grant(name, "CREATE SESSION", "APP_READ");
        }
        db.grant("BOB", "APP_WRITE");
      },
    });
    await setUpAgSchema(ords);
    const t = await fetch(`${ords.urlFor(AG_ALIAS)}/oauth/token`, {
      method: "POST",
      headers: { Authorization: basicAuth(AG_CLIENT.clientId, AG_CLIENT.clientSecret), "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    agBearer = `Bearer ${((await t.json()) as { access_token: string }).access_token}`;
    for (const [i, name] of ACCOUNTS.entries()) {
      const item = await one(ords, {
        statementText: "INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, STATUS) VALUES (:u, :id, :n, 'IAM', 'OPEN')",
        binds: [
          { name: "u", data_type: "VARCHAR2", value: name },
          { name: "id", data_type: "VARCHAR2", value: `ocid1.user.oc1..user${i}` },
          { name: "n", data_type: "VARCHAR2", value: `${name.toLowerCase()}@example.com` },
        ],
      });
      expect(item.errorCode).toBeUndefined();
    }
  });
  afterAll(() => ords.close());
  beforeEach(() => ords.stats.reset());

  const base = (): Pick<PreviewOptions, "target" | "authorization" | "templatesRoot"> => ({
    templatesRoot: REAL_TEMPLATES,
    target: parseTargetUrl(ords.url),
    authorization: auth,
  });
  /** The adb set as Access Governance runs it: the AG schema's alias and bearer token. */
  const adb = (): Pick<PreviewOptions, "target" | "authorization" | "templatesRoot"> => ({
    templatesRoot: REAL_TEMPLATES,
    target: parseTargetUrl(ords.urlFor(AG_ALIAS)),
    authorization: agBearer,
  });
  const roleNames = (v: unknown) => (v as { uid: string[] }[]).map((r) => r.uid[0]);

  it("adb DatabaseAccount SEARCH: OFFSET paging in the SQL body, roles from a bound sub-query per account", async () => {
    const result = await runPreview({ ...adb(), app: "adb", entity: "DatabaseAccount", operation: "SEARCH", pageSize: 3 });
    expect(result.records.map((r) => r.uid[0])).toEqual(ACCOUNTS);
    expect(result.records[1]).toMatchObject({ iamUserName: ["bob@example.com"], authMode: ["IAM"], accountStatus: ["OPEN"] });
    expect(roleNames(result.records[1].roles)).toEqual(["APP_READ", "APP_WRITE"]);
    expect(roleNames(result.records[0].roles)).toEqual(["APP_READ"]);
    // Pages of 3: 3 accounts, 1 account, then an empty result set; one role query per account.
    expect(result.pages).toBe(3);
    expect(ords.stats.sqlRequests).toBe(3 + 4);
  });

  it("adb DatabaseAccount GET: one record from the whole body (no items path), empty when nothing matched", async () => {
    const result = await runPreview({ ...adb(), app: "adb", entity: "DatabaseAccount", operation: "GET", id: "CAROL" });
    expect(result.records).toEqual([expect.objectContaining({ uid: ["CAROL"], iamUserId: ["ocid1.user.oc1..user2"] })]);
    expect(roleNames(result.records[0].roles)).toEqual(["APP_READ"]);
    const missing = await runPreview({ ...adb(), app: "adb", entity: "DatabaseAccount", operation: "GET", id: "ERIN" });
    expect(missing.records).toEqual([expect.objectContaining({ uid: [], name: [] })]);
  });

  it("PAGE_INCREMENT (fixture set): currentPage 1, 2, … until an empty page", async () => {
    const result = await runPreview({ ...base(), templatesRoot: FIXTURE_TEMPLATES, app: "ordspages", entity: "DatabaseUser", operation: "SEARCH", pageSize: 2 });
    expect(result.records.map((r) => r.uid[0])).toEqual(["ADMIN", ...ACCOUNTS, "ERIN", "IAM_ADB_SYNC_AG"]);
    expect(roleNames(result.records.find((r) => r.uid[0] === "BOB")?.roles)).toEqual(["APP_READ", "APP_WRITE"]);
    // 7 users in pages of 2: four full or partial pages, then an empty one; a role query per user.
    expect(result.pages).toBe(5);
    expect(ords.stats.sqlRequests).toBe(5 + 7);
  });

  it("masks SENSITIVE attributes in what it prints", async () => {
    const tree = scratchCopy(FIXTURE_TEMPLATES);
    try {
      tree.edit("response/applications/ordspages/DatabaseUser/SEARCH_TEMPLATE.json", (j) => {
        (j.attributes as unknown[]).push({ name: "password", value: "<JP>$.items[0].resultSet.items[<EL>currentIndex</EL>].username</JP>" });
      });
      const cli = await runCli("templates-preview", [
        "--root", tree.root, "--app", "ordspages", "--target", ords.url, "--basic", "env:ORDS_BASIC",
        "--entity", "DatabaseUser", "--op", "SEARCH", "--json",
      ], { ORDS_BASIC: `${DEFAULT_ADMIN.username}:${DEFAULT_ADMIN.password}` });
      expect(cli.code).toBe(0);
      const records = JSON.parse(cli.stdout) as { uid: string[]; password: string[] }[];
      expect(records.map((r) => r.password)).toEqual(records.map(() => [MASK]));
      expect(cli.stderr).toMatch(/masked: password$/m);
      expect(cli.stdout + cli.stderr).not.toContain(DEFAULT_ADMIN.password);
    } finally {
      tree.dispose();
    }
  });

  it("a request that does not advance is an error, not an endless loop", async () => {
    const tree = scratchCopy(FIXTURE_TEMPLATES);
    try {
      tree.edit("request/applications/ordspages/DatabaseUser/SEARCH_TEMPLATE.json", (j) => {
        (j.body as { textBody: Record<string, unknown> }).textBody.offset = 0;
      });
      await expect(
        runPreview({ ...base(), templatesRoot: tree.root, app: "ordspages", entity: "DatabaseUser", operation: "SEARCH", pageSize: 2 }),
      ).rejects.toThrow(`request main: page 2 would repeat page 1 (POST ${ords.url}/_/sql); the pagination parameters do not advance`);
    } finally {
      tree.dispose();
    }
  });

  it("more pages than --max-pages is an error naming the limit", async () => {
    await expect(
      runPreview({ ...base(), templatesRoot: FIXTURE_TEMPLATES, app: "ordspages", entity: "DatabaseUser", operation: "SEARCH", pageSize: 1, maxPages: 2 }),
    ).rejects.toThrow("request main: still more data after 2 pages");
  });
});
