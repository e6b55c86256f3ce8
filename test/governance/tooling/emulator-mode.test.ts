import { ElSandbox } from "../../../function/cli/templates/el-sandbox";
import { evaluateTemplateString, type ExpressionMode } from "../../../function/cli/templates/expressions";
import { evaluateJsonPath } from "../../../function/cli/templates/jsonpath";
import { renderRequest } from "../../../function/cli/templates/request-renderer";
import type { RequestTemplate } from "../../../function/cli/templates/template-types";
import { FIXTURE_TEMPLATES, runCli } from "./helpers";

/**
 * The two evaluation modes of the template tooling. "emulator" (templates:preview's default) follows Oracle's
 * grc-test-infra ExpressionParsingUtil and HttpRequestProcessor; "strict" (--strict) refuses the same inputs.
 */

const sandbox = new ElSandbox();
const env = (mode: ExpressionMode, vars: Record<string, unknown> = {}, doc?: unknown) => ({
  mode,
  el: (s: string) => sandbox.evaluate(s, vars),
  jp: doc === undefined ? null : (p: string) => evaluateJsonPath(p, doc),
});
const text = (s: string, e: ReturnType<typeof env>) => {
  const r = evaluateTemplateString(s, e);
  return r.kind === "list" ? r.values : r.text;
};

describe("expressions: emulator versus strict", () => {
  it("a <JP> with no document to read yields its own path text; strict refuses it", () => {
    expect(text('members.value eq "<JP>$.id</JP>"', env("emulator"))).toBe('members.value eq "$.id"');
    expect(() => text("<JP>$.id</JP>", env("strict"))).toThrow("<JP>$.id</JP> has no response to read here");
  });

  it("a JSONPath that finds nothing is the text null in the emulator, even as a whole value; strict gives no value", () => {
    expect(text("<JP>$.missing</JP>", env("emulator", {}, { a: 1 }))).toBe("null");
    expect(text("<JP>$.missing</JP>", env("strict", {}, { a: 1 }))).toBeNull();
    expect(text("x=<JP>$.missing</JP>", env("strict", {}, { a: 1 }))).toBe("x=null");
  });

  it("an <EL> that throws splices an empty string in the emulator; strict fails naming it", () => {
    const vars = { attributes: {} };
    expect(text('{"v":"<EL>attributes.get(\'status\').get(0)</EL>"}', env("emulator", vars))).toBe('{"v":""}');
    expect(() => text("<EL>attributes.get('status').get(0)</EL>", env("strict", vars))).toThrow("<EL>attributes.get('status').get(0)</EL> failed");
  });

  it("an <EL> that yields null or undefined fails the operation in the emulator (its toString of null)", () => {
    expect(() => text("<EL>undefined</EL>", env("emulator"))).toThrow("yields null or undefined, which fails the operation in Oracle's emulator");
    expect(text("<EL>undefined</EL>", env("strict"))).toBeNull();
  });

  it("spliced values are scanned again in the emulator (data that looks like a tag runs), never in strict mode", () => {
    const doc = { name: "<EL>1+1</EL>" };
    expect(text("<JP>$.name</JP>!", env("emulator", {}, doc))).toBe("2!");
    expect(text("<JP>$.name</JP>!", env("strict", {}, doc))).toBe("<EL>1+1</EL>!");
  });

  it("'null' inside an <EL> stops evaluation in both modes", () => {
    for (const mode of ["emulator", "strict"] as const) expect(evaluateTemplateString("<EL>'null'</EL>", env(mode)).kind).toBe("stopped");
  });
});

describe("request URLs: emulator versus strict", () => {
  const t = (q: string): RequestTemplate => ({ id: "main", method: "GET", uri: { scheme: "http", host: "127.0.0.1:9", path: "/admin/v1/Users" }, queryParameters: [{ name: "filter", value: q }] });

  it("the emulator sends query text unencoded, so a raw space or quote fails the request; pre-encoded text passes", () => {
    expect(() => renderRequest(t('userName eq "a b"'), env("emulator"))).toThrow('the URL holds " ", which is not encoded: the connector sends it raw and fails');
    expect(renderRequest(t("userName%20eq%20%22a%22"), env("emulator"))?.url).toBe("http://127.0.0.1:9/admin/v1/Users?filter=userName%20eq%20%22a%22");
  });

  it("strict mode percent-encodes what the template leaves raw", () => {
    expect(renderRequest(t('userName eq "a b"'), env("strict"))?.url).toBe("http://127.0.0.1:9/admin/v1/Users?filter=userName%20eq%20%22a%20b%22");
  });

  it("the emulator evaluates a sub-request's query parameters without the parent document (path and body still read it)", () => {
    const sub: RequestTemplate = { ...t("id=<JP>$.id</JP>"), uri: { scheme: "http", host: "127.0.0.1:9", path: "/g/<JP>$.id</JP>" } };
    expect(renderRequest(sub, env("emulator", {}, { id: "u1" }))?.url).toBe("http://127.0.0.1:9/g/u1?filter=id=$.id");
  });
});

describe("templates:preview on a write operation", () => {
  it("prints the rendered request with the credential masked and does not send it without --send", async () => {
    const run = await runCli(
      "templates-preview",
      ["--root", FIXTURE_TEMPLATES, "--app", "ordspages", "--target", "http://127.0.0.1:9", "--token", "env:PREVIEW_TOKEN",
        "--entity", "DatabaseUser", "--op", "ADD_CHILD_DATA", "--child", "roles", "--id", "ALICE", "--attr", "roles.uid=APP_READ"],
      { PREVIEW_TOKEN: "tok-5f2a9e" },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("POST http://127.0.0.1:9/grants");
    expect(run.stdout).toContain("Authorization: Bearer ••••••");
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))) as unknown).toEqual({ grantee: "ALICE", role: "APP_READ", adminOption: false });
    expect(run.stderr).toContain("ADD_CHILD_DATA rendered, not sent (--send sends it)");
    expect(run.stdout + run.stderr).not.toContain("tok-5f2a9e");
  });

  it("a child-data operation without --child is a usage error naming the option", async () => {
    const run = await runCli("templates-preview", ["--root", FIXTURE_TEMPLATES, "--app", "ordspages", "--target", "http://127.0.0.1:9", "--token", "x", "--entity", "DatabaseUser", "--op", "ADD_CHILD_DATA"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ADD_CHILD_DATA needs the multivalued attribute it changes (--child, e.g. groups)");
  });
});
