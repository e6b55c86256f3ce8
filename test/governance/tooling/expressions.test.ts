import { ElSandbox } from "../../../function/cli/templates/el-sandbox";
import { evaluateTemplateString, listExpressions, unquote, type ExpressionEnv } from "../../../function/cli/templates/expressions";
import { evaluateJsonPath } from "../../../function/cli/templates/jsonpath";

const sandbox = new ElSandbox({ timeoutMs: 100 });
const page = {
  Resources: [
    { id: "u1", emails: [{ primary: true, value: "u1@example.com" }], displayName: "<EL>1+1</EL>" },
    { id: "u2", emails: [{ primary: true, value: "a@x" }, { primary: true, value: "b@x" }] },
  ],
  "@odata.nextLink": "https://g/v1.0/users?$top=2&$skiptoken=tok42",
};
const env = (vars: Record<string, unknown>, doc: unknown = page): ExpressionEnv => ({
  el: (s) => sandbox.evaluate(s, vars),
  jp: (p) => evaluateJsonPath(p, doc),
});

describe("template strings: <EL> and <JP>", () => {
  it("evaluates the innermost tag first and splices its result in", () => {
    expect(evaluateTemplateString("<JP>$.Resources[<EL>currentIndex</EL>].id</JP>", env({ currentIndex: 1 }))).toEqual({ kind: "value", text: "u2" });
    expect(evaluateTemplateString("/users/<JP>$.Resources[<EL>parentCurrentIndex</EL>].id</JP>/memberOf", env({ parentCurrentIndex: 0 }))).toEqual({
      kind: "value",
      text: "/users/u1/memberOf",
    });
  });

  it("runs a JSONPath result through JavaScript (the page-token idiom)", () => {
    const token = "<EL>'<JP>$.['@odata.nextLink']</JP>'.split(/\\$skiptoken=([^&]*)/)[1]</EL>";
    expect(evaluateTemplateString(token, env({}))).toEqual({ kind: "value", text: "tok42" });
    // On the last page there is no nextLink: the JSONPath yields null and the EL meets 'null', so the value is missing.
    expect(evaluateTemplateString(token, env({}, { value: [] }))).toMatchObject({ kind: "stopped" });
  });

  it("a JSONPath with several values becomes the (multi-valued) result", () => {
    expect(evaluateTemplateString("<JP>$.Resources[1].emails[?(@.primary == true)].value</JP>", env({}))).toEqual({ kind: "list", values: ["a@x", "b@x"] });
  });

  it("a whole-string tag that finds nothing is a missing value; inside text it reads null", () => {
    expect(evaluateTemplateString("<JP>$.Resources[0].title</JP>", env({}))).toEqual({ kind: "value", text: null });
    expect(evaluateTemplateString("x=<JP>$.Resources[0].title</JP>", env({}))).toEqual({ kind: "value", text: "x=null" });
  });

  it("never re-reads data from the target as expressions", () => {
    expect(evaluateTemplateString("<JP>$.Resources[0].displayName</JP>!", env({}))).toEqual({ kind: "value", text: "<EL>1+1</EL>!" });
  });

  it("reports unbalanced and crossed tags with their position", () => {
    expect(() => evaluateTemplateString("<EL>1", env({}))).toThrow("<EL> at character 0 is never closed");
    expect(() => evaluateTemplateString("a</JP>", env({}))).toThrow("</JP> at character 1 has no matching <JP>");
    expect(() => evaluateTemplateString("<EL>1</JP>", env({}))).toThrow("<EL> at character 0 is closed by </JP>");
  });

  it("refuses <JP> where there is no response to read", () => {
    expect(() => evaluateTemplateString("<JP>$.id</JP>", { el: () => null, jp: null })).toThrow("<JP>$.id</JP> has no response to read here");
  });

  it("UQ: drops the quotes of JSON strings", () => {
    expect(unquote('{"offset":"UQ:25","active":"UQ:true","name":"UQ"}')).toBe('{"offset":25,"active":true,"name":"UQ"}');
  });

  it("lists expressions innermost first, with inner tags neutralised", () => {
    expect(listExpressions("<JP>$.a[<EL>currentIndex</EL>].b</JP> <EL>'<JP>$.x</JP>'.length</EL>")).toEqual([
      { tag: "EL", source: "currentIndex" },
      { tag: "JP", source: "$.a[0].b" },
      { tag: "JP", source: "$.x" },
      { tag: "EL", source: "'0'.length" },
    ]);
  });
});

describe("EL sandbox", () => {
  const vars = {
    attributes: { uid: ["u1"], groups: { uid: ["g1", "g2"] } },
    previousRequestResponseHeaders: { token: ["t1"] },
    currentOffset: 26,
    limit: 25,
  };

  it("binds the connector's variables with Java-like collections", () => {
    expect(sandbox.evaluate("attributes.get('uid').get(0)", vars)).toBe("u1");
    expect(sandbox.evaluate("attributes.get('groups').get('uid').get(1)", vars)).toBe("g2");
    expect(sandbox.evaluate("attributes.get('groups').get('uid').size()", vars)).toBe("2");
    expect(sandbox.evaluate("attributes.get('missing') == null", vars)).toBe("true");
    expect(sandbox.evaluate("previousRequestResponseHeaders.get('token').get(0)", vars)).toBe("t1");
    expect(sandbox.evaluate("currentOffset + limit", vars)).toBe("51");
    expect(sandbox.evaluate("attributes.get('groups').get('uid')", vars)).toEqual(["g1", "g2"]);
    expect(sandbox.evaluate("undefined", vars)).toBeNull();
  });

  it("gives no way out to Node: no process, no require, no code from strings", () => {
    expect(() => sandbox.evaluate("process.exit(1)", vars)).toThrow("ReferenceError: process is not defined");
    expect(() => sandbox.evaluate("require('fs')", vars)).toThrow("ReferenceError: require is not defined");
    expect(() => sandbox.evaluate("this.constructor.constructor('return process')()", vars)).toThrow(/Code generation from strings disallowed/);
    expect(() => sandbox.evaluate("eval('1')", vars)).toThrow(/Code generation from strings disallowed/);
  });

  it("keeps built-ins frozen and variables read-only between evaluations", () => {
    sandbox.evaluate("try { Array.prototype.evil = 1 } catch (e) {} ; 0", vars);
    expect(sandbox.evaluate("[].evil === undefined", vars)).toBe("true");
    expect(sandbox.evaluate("attributes.get('uid')[0] = 'x'; attributes = null; attributes.get('uid').get(0)", vars)).toBe("u1");
    expect(sandbox.evaluate("attributes.get('uid').get(0)", vars)).toBe("u1");
  });

  it("stops runaway expressions, including their own toString and promise jobs", () => {
    expect(() => sandbox.evaluate("while (true) {}", vars)).toThrow("timed out after 100ms");
    expect(() => sandbox.evaluate("({ toString() { for (;;) {} } })", vars)).toThrow("timed out after 100ms");
    expect(() => sandbox.evaluate("Promise.resolve().then(() => { for (;;) {} }); 1", vars)).toThrow("timed out after 100ms");
    expect(sandbox.evaluate("1 + 1", vars)).toBe("2");
  });

  it("names the expression that does not compile", () => {
    expect(() => sandbox.evaluate("attributes.get(", vars)).toThrow(/^<EL>attributes.get\(<\/EL> does not compile: SyntaxError/);
    expect(ElSandbox.syntaxError("a ? b : c")).toBeNull();
  });
});
