import { ElSandbox } from "../../../function/cli/templates/el-sandbox";
import { evaluateJsonPath } from "../../../function/cli/templates/jsonpath";
import { renderRequest } from "../../../function/cli/templates/request-renderer";
import type { RequestTemplate } from "../../../function/cli/templates/template-types";

const sandbox = new ElSandbox();
const env = (vars: Record<string, unknown>, parent?: unknown) => ({
  el: (s: string) => sandbox.evaluate(s, vars),
  jp: parent === undefined ? null : (p: string) => evaluateJsonPath(p, parent),
});
const template = (t: Partial<RequestTemplate>): RequestTemplate => ({
  id: "main",
  method: "GET",
  uri: { scheme: "http", host: "127.0.0.1:9", path: "/v1/items" },
  ...t,
});

describe("rendering a request template", () => {
  it("appends evaluated query parameters, percent-encoding what the template leaves raw", () => {
    const r = renderRequest(
      template({
        uri: { scheme: "http", host: "127.0.0.1:9", path: "/admin/v1/Groups" },
        queryParameters: [
          { name: "filter", value: 'members.value eq "<JP>$.Resources[<EL>parentCurrentIndex</EL>].id</JP>"' },
          { name: "startIndex", value: "<EL>currentOffset</EL>" },
          { name: "$filter", value: "securityEnabled%20eq%20true" },
        ],
      }),
      env({ parentCurrentIndex: 1, currentOffset: 26 }, { Resources: [{ id: "a" }, { id: "b c" }] }),
    );
    expect(r?.url).toBe("http://127.0.0.1:9/admin/v1/Groups?filter=members.value%20eq%20%22b%20c%22&startIndex=26&$filter=securityEnabled%20eq%20true");
  });

  it("joins query parameters to a path that already has a query", () => {
    const r = renderRequest(template({ uri: { scheme: "http", host: "h", path: "/u?$select=id" }, queryParameters: [{ name: "$top", value: "5" }] }), env({}));
    expect(r?.url).toBe("http://h/u?$select=id&$top=5");
  });

  it("renders a JSON body with UQ: values unquoted, and a form body as text", () => {
    const json = renderRequest(
      template({ method: "POST", body: { type: "text", textBody: { statementText: "SELECT 1 FROM DUAL", offset: "UQ:<EL>currentOffset - 1</EL>", flag: "UQ:<EL>true</EL>" } } }),
      env({ currentOffset: 1 }),
    );
    expect(JSON.parse(json?.body ?? "")).toEqual({ statementText: "SELECT 1 FROM DUAL", offset: 0, flag: true });
    const form = renderRequest(template({ method: "POST", body: { type: "form", textBody: "grant_type=client_credentials&n=<EL>limit</EL>" } }), env({ limit: 3 }));
    expect(form?.body).toBe("grant_type=client_credentials&n=3");
  });

  it("evaluates header values", () => {
    const r = renderRequest(template({ headers: [{ name: "X-Page", value: "<EL>currentPage</EL>" }, { name: "Authorization", value: "Bearer t" }] }), env({ currentPage: 2 }));
    expect(r?.headers).toEqual({ "X-Page": "2", Authorization: "Bearer t" });
  });

  it("is not sent when its path or query evaluates to a missing value ('null'), as the connector skips it", () => {
    const tokenParam = [{ name: "$skiptoken", value: "<EL>'<JP>$.next</JP>'.length</EL>" }];
    expect(renderRequest(template({ queryParameters: tokenParam }), env({}, { next: null }))).toBeNull();
    expect(renderRequest(template({ uri: { scheme: "http", host: "h", path: "/u/<EL>'null'</EL>" } }), env({}))).toBeNull();
  });

  it("refuses placeholders left in scheme/host and multi-valued parts", () => {
    expect(() => renderRequest(template({ uri: { scheme: "<<SCHEME>>", host: "<<HOST>>", path: "/" } }), env({}))).toThrow(
      "uri.scheme/uri.host are placeholders (<<SCHEME>>://<<HOST>>); the request needs a target",
    );
    expect(() => renderRequest(template({ uri: { scheme: "http", host: "h", path: "/<JP>$.ids[*]</JP>" } }), env({}, { ids: [1, 2] }))).toThrow(
      "request main: uri.path: evaluated to several values (2); it needs one",
    );
    expect(() => renderRequest(template({ headers: [{ name: "X", value: "<EL>nope(</EL>" }] }), env({}))).toThrow(/^request main: headers\[0\] \(X\): <EL>nope\(<\/EL> does not compile/);
  });
});
