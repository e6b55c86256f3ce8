import { evaluateJsonPath, isDefinitePath, toJsonPathPlus } from "../../../function/cli/templates/jsonpath";

const doc = {
  "@odata.nextLink": "https://graph.example/v1.0/users?$top=2&$skiptoken=abc",
  Resources: [
    {
      id: "u1",
      emails: [
        { primary: false, value: "other@example.com" },
        { primary: true, value: "u1@example.com" },
      ],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { manager: { value: "m1" } },
      nested: { id: "deep" },
    },
    { id: "u2", emails: [] },
  ],
};

describe("Jayway-style JSONPath", () => {
  it("definite paths give one value, or null when nothing matches", () => {
    expect(evaluateJsonPath("$.Resources[1].id", doc)).toEqual({ definite: true, value: "u2" });
    expect(evaluateJsonPath("$.Resources[5].id", doc)).toEqual({ definite: true, value: null });
    expect(evaluateJsonPath("$.Resources[0].emails", doc)).toMatchObject({ definite: true, value: expect.any(Array) });
  });

  it("wildcards, filters and deep scans give lists", () => {
    expect(evaluateJsonPath("$.Resources[*].id", doc)).toEqual({ definite: false, values: ["u1", "u2"] });
    expect(evaluateJsonPath("$.Resources[0].emails[?(@.primary == true)].value", doc)).toEqual({ definite: false, values: ["u1@example.com"] });
    expect(evaluateJsonPath("$.Resources[1].emails[?(@.primary == true)].value", doc)).toEqual({ definite: false, values: [] });
    expect(evaluateJsonPath("$..id", doc)).toEqual({ definite: false, values: ["u1", "deep", "u2"] });
  });

  it("bracket-after-dot is a child step, not a deep scan", () => {
    expect(evaluateJsonPath("$.['@odata.nextLink']", doc)).toEqual({ definite: true, value: doc["@odata.nextLink"] });
    expect(evaluateJsonPath("$.Resources[0].['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].manager.value", doc)).toEqual({
      definite: true,
      value: "m1",
    });
    // A deep scan would find nested.id; a child step must not.
    expect(evaluateJsonPath("$.Resources.['id']", { Resources: { nested: { id: "x" } } })).toEqual({ definite: true, value: null });
    expect(toJsonPathPlus("$.a.['b.c'][0]")).toBe("$.a['`b.c'][0]");
  });

  it("classifies paths as Jayway does", () => {
    expect(isDefinitePath("$.a.b[0]['c:d']")).toBe(true);
    expect(isDefinitePath("$['a,b']")).toBe(true);
    for (const p of ["$.a[*]", "$..a", "$.a[?(@.x)]", "$.a[0,1]", "$.a[0:2]", "$.*"]) expect(isDefinitePath(p)).toBe(false);
  });

  it("rejects paths that do not start at the root, with the path in the message", () => {
    expect(() => evaluateJsonPath("Resources[0]", doc)).toThrow("JSONPath must start with $: Resources[0]");
  });

  it("evaluates filters without JavaScript eval (no access to globals)", () => {
    expect(() => evaluateJsonPath("$.Resources[?(process.exit(1))]", doc)).toThrow(/JSONPath .* failed/);
  });
});
