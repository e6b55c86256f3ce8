import { lintTemplates } from "../../../function/cli/templates/lint";
import { runCli, scratchCopy, type ScratchTree } from "./helpers";

type Json = Record<string, any>;

const APP = "ordspages";
const REQ = `request/applications/${APP}/DatabaseUser/SEARCH_TEMPLATE.json`;
const RES = `response/applications/${APP}/DatabaseUser/SEARCH_TEMPLATE.json`;
const SCHEMA = `schema/applications/${APP}/TEMPLATE.json`;
const TEST = `test/applications/${APP}/TEMPLATE.json`;
const CHILD_REQ = `request/applications/${APP}/DatabaseUser/roles/ADD_CHILD_DATA_TEMPLATE.json`;
const OP_REQ = (op: string) => `request/applications/${APP}/DatabaseUser/${op}_TEMPLATE.json`;

/** A write request for the fixture's REST endpoint whose JSON body is `body`. */
function writeRequest(t: ScratchTree, op: string, body: Json): void {
  const method = op === "DELETE" ? "DELETE" : op === "CREATE" ? "POST" : "PATCH";
  t.write(OP_REQ(op), JSON.stringify({ id: op.toLowerCase(), method, uri: { scheme: "<<SCHEME>>", host: "<<HOST>>", path: "/users" }, headers: [{ name: "Authorization", value: "<<CREDENTIALS>>" }], body: { type: "text", textBody: body } }));
}

interface Case {
  name: string;
  breakIt: (t: ScratchTree) => void;
  file: string;
  path: string;
  message: string;
  severity?: "error" | "warning";
}

const cases: Case[] = [
  // Outline JSON Schemas and exact enums
  { name: "unknown method", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.method = "FETCH")), file: REQ, path: "$.method", message: "must be equal to one of the allowed values: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE" },
  { name: "unknown pagination type", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.paginationType = "CURSOR")), file: REQ, path: "$.paginationType", message: "OFFSET, PAGE_INCREMENT, PAGE_TOKEN" },
  { name: "misspelt key", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.queryParameter = [])), file: REQ, path: "$", message: "must NOT have additional properties (queryParameter)" },
  { name: "expression deep in a JSON body", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.subRequests[0].body.textBody.binds[0].value = "<JP>$.items[0].resultSet.items[<EL>currentIndex</EL>].username</JP>")), file: REQ, path: "$.subRequests[0].body.textBody.binds[0].value", message: "<EL> uses currentIndex, which is not bound in a sub-request (bound there: attributes, parentRequestResponseHeaders, previousRequestResponseHeaders, parentCurrentIndex)" },
  { name: "parent <JP> in a sub-request query parameter", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.subRequests[0].queryParameters = [{ name: "filter", value: "members.value eq \"<JP>$.id</JP>\"" }])), file: REQ, path: "$.subRequests[0].queryParameters[0].value", message: "<JP>$.id</JP>: there is no response to read in a query parameter of a sub-request" },
  { name: "sub-request without id", breakIt: (t) => t.edit(REQ, (j: Json) => void delete j.subRequests[0].id), file: REQ, path: "$.subRequests[0]", message: "must have required property 'id'" },
  { name: "body type", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.body.type = "json")), file: REQ, path: "$.body.type", message: "text, form" },
  { name: "schema data type", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[2].dataType = "STRING")), file: SCHEMA, path: "$.schemaTemplates[0].attributes[2].dataType", message: "TEXT, NUMBER, DECIMAL_NUMBER, DATE, FLAG" },
  { name: "schema nature", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[3].nature = ["SECRET"])), file: SCHEMA, path: "$.schemaTemplates[0].attributes[3].nature[0]", message: "REQUIRED, MULTIVALUED, SENSITIVE" },
  { name: "schema entity type", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[1].type = "GROUP")), file: SCHEMA, path: "$.schemaTemplates[1].type", message: "ACCOUNT, ENTITLEMENT, TARGETACCOUNT, LOOKUP" },
  { name: "widget spelling", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[4].uiProperties.widget = "repeatableFieldSet")), file: SCHEMA, path: "$.schemaTemplates[0].attributes[4].uiProperties.widget", message: "Text, Password, Number, Date, SelectOne, RepeatableFieldSet, CheckboxSet" },
  { name: "usage spelling", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[0].usage = ["Read"])), file: SCHEMA, path: "$.schemaTemplates[0].attributes[0].usage[0]", message: "READ, PROVISION" },
  { name: "response attribute with both value and sub-request", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[3].value = "x")), file: RES, path: "$.attributes[3]", message: "must NOT be valid" },
  { name: "items not a JSONPath", breakIt: (t) => t.edit(RES, (j: Json) => void (j.items = "$.items[*]")), file: RES, path: "$.items", message: "must match pattern" },
  { name: "not JSON", breakIt: (t) => t.write(TEST, "{ \"id\": "), file: TEST, path: "$", message: "is not valid JSON" },
  // Layout
  { name: "child-data template outside a child folder", breakIt: (t) => t.write(`request/applications/${APP}/DatabaseUser/REMOVE_CHILD_DATA_TEMPLATE.json`, "{}"), file: `request/applications/${APP}/DatabaseUser/REMOVE_CHILD_DATA_TEMPLATE.json`, path: "$", message: "REMOVE_CHILD_DATA templates belong in request/applications/ordspages/<Entity>/<childAttribute>/" },
  { name: "stray file", breakIt: (t) => t.write(`request/applications/${APP}/config.yaml`, "applications: []"), file: `request/applications/${APP}/config.yaml`, path: "$", message: "not a template location: file name must be <OPERATION>_TEMPLATE.json" },
  { name: "unknown operation file", breakIt: (t) => t.write(`request/applications/${APP}/DatabaseUser/FETCH_TEMPLATE.json`, "{}"), file: `request/applications/${APP}/DatabaseUser/FETCH_TEMPLATE.json`, path: "$", message: "OPERATION one of CREATE, GET, SEARCH" },
  // Expressions
  { name: "EL syntax", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.body.textBody.limit = "UQ:<EL>pageSize +</EL>")), file: REQ, path: "$.body.textBody.limit", message: "<EL>pageSize +</EL> does not compile: SyntaxError" },
  { name: "unclosed tag", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[0].value = "<JP>$.items[0].resultSet.items[<EL>currentIndex</EL>].username")), file: RES, path: "$.attributes[0].value", message: "<JP> at character 0 is never closed" },
  { name: "JSONPath in a main request", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.uri.path = "/_/sql/<JP>$.id</JP>")), file: REQ, path: "$.uri.path", message: "<JP>$.id</JP>: there is no response to read in a main request" },
  { name: "JSONPath not from the root", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[2].value = "<JP>items[0]</JP>")), file: RES, path: "$.attributes[2].value", message: "a JSONPath must start with $" },
  { name: "currentIndex in a request", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.body.textBody.limit = "UQ:<EL>currentIndex</EL>")), file: REQ, path: "$.body.textBody.limit", message: "<EL> uses currentIndex, which is not bound in a main request" },
  { name: "parentCurrentIndex in a main request", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.uri.path = "/_/sql/<EL>parentCurrentIndex</EL>")), file: REQ, path: "$.uri.path", message: "parentCurrentIndex, which is not bound in a main request" },
  { name: "UQ: not opening a string", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.body.textBody.limit = "x UQ:<EL>pageSize</EL>")), file: REQ, path: "$.body.textBody.limit", message: "UQ: must open the JSON string" },
  // Pagination parameters against the pagination type
  { name: "offset variable under PAGE_INCREMENT", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.body.textBody.offset = "UQ:<EL>currentOffset - 1</EL>")), file: REQ, path: "$.body.textBody.offset", message: "<EL> uses currentOffset, which is not bound in a main request" },
  { name: "pagination type nothing reads", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.body.textBody.offset = 0)), file: REQ, path: "$.paginationType", message: "PAGE_INCREMENT pagination, but no <EL> reads currentPage: every page would be the first" },
  { name: "paging variables without a pagination type", breakIt: (t) => t.edit(REQ, (j: Json) => void delete j.paginationType), file: REQ, path: "$.paginationType", message: "uses currentPage, pageSize but sets no paginationType" },
  { name: "PAGE_TOKEN without a token", breakIt: (t) => t.edit(REQ, (j: Json) => { j.paginationType = "PAGE_TOKEN"; j.body.textBody.offset = "<EL>previousRequestResponseHeaders.get('token')</EL>"; j.body.textBody.limit = "UQ:<EL>pageSize</EL>"; }), file: RES, path: "$.responseValues", message: "PAGE_TOKEN pagination needs a response value (the next page's token)" },
  { name: "response value the request never reads", breakIt: (t) => { t.edit(REQ, (j: Json) => { j.paginationType = "PAGE_TOKEN"; j.body.textBody.offset = "<EL>previousRequestResponseHeaders.get('next')</EL>"; }); t.edit(RES, (j: Json) => void (j.responseValues = [{ name: "token", value: "<JP>$.next</JP>" }])); }, file: RES, path: "$.responseValues", message: "the request never reads response value token" },
  { name: "paging without items", breakIt: (t) => t.edit(RES, (j: Json) => void delete j.items), file: RES, path: "$.items", message: "the request pages (PAGE_INCREMENT) but the response has no items" },
  // Cross-references
  { name: "responseOfSubRequestId naming no sub-request", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[3].responseOfSubRequestId = "grants")), file: RES, path: "$.attributes[3].responseOfSubRequestId", message: "names sub-request grants, which the request does not have (sub-requests: roles)" },
  { name: "duplicate sub-request ids", breakIt: (t) => t.edit(REQ, (j: Json) => void j.subRequests.push({ ...j.subRequests[0] })), file: REQ, path: "$.subRequests[1].id", message: "duplicate sub-request id roles (also subRequests[0])" },
  { name: "relationship to a missing object class", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[4].relationship.relatedTo = "DbRole")), file: SCHEMA, path: "$.schemaTemplates[0].attributes[4].relationship.relatedTo", message: "DbRole is not a schema template here (have: DatabaseUser, DatabaseRole)" },
  { name: "relationship by a missing attribute", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[4].relationship.relatedBy = "roleId")), file: SCHEMA, path: "$.schemaTemplates[0].attributes[4].relationship.relatedBy", message: "DatabaseRole has no attribute roleId" },
  { name: "entity folder not in the schema", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].name = "DbUser")), file: REQ, path: "$", message: "entity folder DatabaseUser is not a schema template of ordspages (have: DbUser, DatabaseRole)" },
  { name: "child-data folder not multivalued", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[4].nature = [])), file: CHILD_REQ, path: "$", message: "child-data folder roles: DatabaseUser.roles is not MULTIVALUED" },
  { name: "child-data folder not an attribute", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[4].name = "grants")), file: CHILD_REQ, path: "$", message: "child-data folder roles is not an attribute of DatabaseUser" },
  { name: "mandatory identity attributes", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].type = "ACCOUNT")), file: SCHEMA, path: "$.schemaTemplates[0].attributes", message: "DatabaseUser lacks attributes mandatory for the identity object class (type ACCOUNT): email, firstName, middleName, lastName" },
  { name: "mandatory non-identity attributes", breakIt: (t) => t.edit(SCHEMA, (j: Json) => void j.schemaTemplates[1].attributes.pop()), file: SCHEMA, path: "$.schemaTemplates[1].attributes", message: "DatabaseRole lacks attributes mandatory for a ENTITLEMENT object class: name" },
  { name: "response attribute not in the schema", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[2].name = "lockDate")), file: RES, path: "$.attributes[2].name", message: "lockDate is not an attribute of DatabaseUser" },
  { name: "sub-attribute not in the related class", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[3].subAttributes[0].name = "roleName")), file: RES, path: "$.attributes[3].subAttributes[0].name", message: "roleName is not an attribute of DatabaseRole (roles relates to it)" },
  { name: "no test template", breakIt: (t) => t.remove(`test/applications/${APP}`), file: SCHEMA, path: "$", message: "application ordspages has no test template" },
  { name: "response without request", breakIt: (t) => t.remove(REQ), file: RES, path: "$", message: "no request template for this response" },
  { name: "SEARCH without response", breakIt: (t) => t.remove(RES), file: REQ, path: "$", message: "SEARCH has no response template" },
  // Attribute reads against the schema's usage for the operation
  { name: "a READ-only attribute read in a write operation", breakIt: (t) => t.edit(CHILD_REQ, (j: Json) => void (j.body.textBody.status = "<EL>attributes.get('accountStatus').get(0)</EL>")), file: CHILD_REQ, path: "$.body.textBody.status", message: "reads accountStatus, which DatabaseUser declares without PROVISION usage (READ): Access Governance does not send it for ADD_CHILD_DATA" },
  { name: "a READ-only attribute read in UPDATE", breakIt: (t) => writeRequest(t, "UPDATE", { id: "<EL>attributes.get('uid').get(0)</EL>", name: "<EL>attributes.get('name').get(0)</EL>" }), file: OP_REQ("UPDATE"), path: "$.body.textBody.name", message: "reads name, which DatabaseUser declares without PROVISION usage (READ): Access Governance does not send it for UPDATE" },
  { name: "an attribute the schema does not declare", breakIt: (t) => t.edit(CHILD_REQ, (j: Json) => void (j.body.textBody.nick = "<EL>attributes.get('nickname').get(0)</EL>")), file: CHILD_REQ, path: "$.body.textBody.nick", message: "reads attribute nickname, which DatabaseUser does not declare" },
  { name: "an attribute read in SEARCH", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.body.textBody.binds = [{ name: "u", value: "<EL>attributes.get('uid').get(0)</EL>" }])), file: REQ, path: "$.body.textBody.binds[0].value", message: "reads attribute uid, but Access Governance sends no attributes for SEARCH" },
  { name: "uid read in CREATE", breakIt: (t) => writeRequest(t, "CREATE", { id: "<EL>attributes.get('uid').get(0)</EL>", password: "<EL>attributes.get('password').get(0)</EL>" }), file: OP_REQ("CREATE"), path: "$.body.textBody.id", message: "reads uid in CREATE: the account has no uid until the target assigns one" },
  // Values spliced into query text where the target binds them
  { name: "a parent value spliced into statementText", breakIt: (t) => t.edit(REQ, (j: Json) => void (j.subRequests[0].body.textBody.statementText = "SELECT GRANTED_ROLE FROM DBA_ROLE_PRIVS WHERE GRANTEE = '<JP>$.items[0].resultSet.items[<EL>parentCurrentIndex</EL>].username</JP>'")), file: REQ, path: "$.subRequests[0].body.textBody.statementText", message: "an expression spliced into statementText: the connector does not escape it, so a quote in the value rewrites the SQL; use a bind variable" },
  { name: "an attribute spliced into the test template's statementText", breakIt: (t) => t.edit(TEST, (j: Json) => void (j.body = { type: "text", textBody: { statementText: "SELECT 1 FROM DUAL WHERE 'x' = '<EL>'x'</EL>'" } })), file: TEST, path: "$.body.textBody.statementText", message: "an expression spliced into statementText" },
  { name: "an EL the connector never runs", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[2].value = "<EL>'null' == 'x'</EL>")), file: RES, path: "$.attributes[2].value", message: "an <EL> containing 'null' is never run", severity: "warning" },
  { name: "values that ignore currentIndex", breakIt: (t) => t.edit(RES, (j: Json) => void (j.attributes[2].value = "<JP>$.items[0].resultSet.items[0].account_status</JP>")), file: RES, path: "$.attributes[2].value", message: "every record would get the first item's value", severity: "warning" },
];

describe("templates:lint on broken templates", () => {
  it.each(cases)("$name", ({ breakIt, file, path, message, severity = "error" }) => {
    const tree = scratchCopy();
    try {
      breakIt(tree);
      const result = lintTemplates(tree.root);
      expect(result.diagnostics).toContainEqual({ severity, file, path, message: expect.stringContaining(message) });
      if (severity === "error") expect(result.errors).toBeGreaterThan(0);
    } finally {
      tree.dispose();
    }
  });

  it("a template failing its outline is reported once, not again as missing by the files that refer to it", () => {
    const tree = scratchCopy();
    try {
      tree.edit(REQ, (j: Json) => void (j.method = "FETCH"));
      tree.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[1].type = "GROUP"));
      const result = lintTemplates(tree.root);
      expect(result.diagnostics.map((d) => `${d.file}: ${d.path}`)).toEqual([`${REQ}: $.method`, `${SCHEMA}: $.schemaTemplates[1].type`]);
    } finally {
      tree.dispose();
    }
  });

  it("the CLI prints file: path: message for each error, a summary, and exits 1", async () => {
    const tree = scratchCopy();
    try {
      tree.edit(REQ, (j: Json) => void (j.subRequests[0].id = ""));
      tree.edit(RES, (j: Json) => void (j.attributes[0].value = "<EL>1</JP>"));
      const run = await runCli("templates-lint", ["--root", tree.root]);
      const lines = run.stdout.trim().split("\n");
      expect(lines).toContainEqual(expect.stringMatching(/\/request\/applications\/ordspages\/DatabaseUser\/SEARCH_TEMPLATE\.json: \$\.subRequests\[0\]\.id: must NOT have fewer than 1 characters$/));
      expect(lines).toContainEqual(expect.stringMatching(/SEARCH_TEMPLATE\.json: \$\.attributes\[0\]\.value: <EL> at character 0 is closed by <\/JP>$/));
      expect(lines[lines.length - 1]).toMatch(/^6 files checked: \d+ errors, \d+ warnings$/);
      expect(run.code).toBe(1);
    } finally {
      tree.dispose();
    }
  });
});

describe("conventions of Oracle's reference and seed are accepted", () => {
  const accepted: { name: string; change: (t: ScratchTree) => void }[] = [
    { name: "a LOOKUP class without attributes", change: (t) => t.edit(SCHEMA, (j: Json) => void j.schemaTemplates.push({ type: "LOOKUP", name: "countries", displayName: "Countries" })) },
    { name: "a relationship without relatedBy", change: (t) => t.edit(SCHEMA, (j: Json) => void delete j.schemaTemplates[0].attributes[4].relationship.relatedBy) },
    { name: "nature inside relationshipProperties", change: (t) => t.edit(SCHEMA, (j: Json) => void (j.schemaTemplates[0].attributes[4].relationship.relationshipProperties = [{ name: "uid", dataType: "TEXT", nature: ["REQUIRED"] }])) },
    { name: "PROVISION attributes in CREATE", change: (t) => writeRequest(t, "CREATE", { password: "<EL>attributes.get('password').get(0)</EL>", roles: "<EL>attributes.get('roles').get('uid').get(0)</EL>" }) },
    { name: "the uid of an existing account in UPDATE, DELETE, ENABLE and DISABLE", change: (t) => ["UPDATE", "DELETE", "ENABLE", "DISABLE"].forEach((op) => writeRequest(t, op, { id: "<EL>attributes.get('uid').get(0)</EL>" })) },
    { name: "the child attribute and uid in ADD_CHILD_DATA (the fixture as it is)", change: () => undefined },
    { name: "a value in binds, not in statementText", change: (t) => t.edit(REQ, (j: Json) => void (j.subRequests[0].body.textBody.binds[0].value = "<JP>$.items[0].resultSet.items[<EL>parentCurrentIndex</EL>].username</JP>")) },
    { name: "a parent value inside a SCIM filter string of a .search body (no binding exists there)", change: (t) => t.edit(REQ, (j: Json) => void (j.subRequests[0].body.textBody.filter = "members.value eq \"<JP>$.items[0].resultSet.items[<EL>parentCurrentIndex</EL>].username</JP>\"")) },
  ];
  it.each(accepted)("$name", ({ change }) => {
    const tree = scratchCopy();
    try {
      change(tree);
      const errors = lintTemplates(tree.root).diagnostics.filter((d) => d.severity === "error");
      expect(errors).toEqual([]);
    } finally {
      tree.dispose();
    }
  });
});
