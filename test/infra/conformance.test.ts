import { checkBlock, checkStack } from "../../infra/conformance/check-schema";
import { loadVendoredSchema } from "../../infra/conformance/check";
import { synthCheckedIn } from "./synth";

const doc = loadVendoredSchema();
const oci = doc.provider_schemas["registry.terraform.io/oracle/oci"];

describe("provider schema conformance", () => {
  it.each(["example", "prod-eu"])("finds nothing wrong in the %s stack and checks every OCI element", (name) => {
    const s = synthCheckedIn(name);
    const report = checkStack(s.doc, doc);
    expect(report.findings).toEqual([]);
    const ociElements = [
      ...Object.entries(s.doc.resource).flatMap(([t, byName]) => (t.startsWith("oci_") ? Object.keys(byName).map((n) => `${t}.${n}`) : [])),
      ...Object.entries(s.doc.data ?? {}).flatMap(([t, byName]) => Object.keys(byName).map((n) => `data.${t}.${n}`)),
    ];
    expect(report.checked.sort()).toEqual(ociElements.sort());
    // Prebuilt providers and Terraform's built-in terraform_data are listed, not silently passed.
    expect(report.unchecked).toEqual(expect.arrayContaining(["provider.random", expect.stringMatching(/^terraform_data\./)]));
    // null_resource and its provider are gone (cdktf's built-in terraform_data replaces them).
    expect(report.unchecked.filter((u) => /null/.test(u))).toEqual([]);
  });

  const rule = () => JSON.parse(JSON.stringify(synthCheckedIn("example").doc)) as ReturnType<typeof synthCheckedIn>["doc"];

  it("reports an unknown attribute, a missing required one and a computed-only one that is set", () => {
    const d = rule();
    const [name] = Object.keys(d.resource.oci_events_rule);
    const r = d.resource.oci_events_rule[name];
    r.conditon = "{}";
    delete r.display_name;
    r.time_created = "2026-01-01T00:00:00Z";
    expect(checkStack(d, doc).findings).toEqual([
      { path: `oci_events_rule.${name}.conditon`, problem: "unknown attribute or block" },
      { path: `oci_events_rule.${name}.time_created`, problem: "computed-only attribute cannot be set" },
      { path: `oci_events_rule.${name}.display_name`, problem: "required attribute missing" },
    ]);
  });

  it("reports wrong value types, literal or nested in a block", () => {
    const d = rule();
    const [name] = Object.keys(d.resource.oci_functions_function);
    const f = d.resource.oci_functions_function[name];
    f.timeout_in_seconds = "two minutes";
    f.config = { A: { nested: true } };
    expect(checkStack(d, doc).findings).toEqual([
      { path: `oci_functions_function.${name}.config.A`, problem: 'expected string, got {"nested":true}' },
      { path: `oci_functions_function.${name}.timeout_in_seconds`, problem: 'expected number, got "two minutes"' },
    ]);
  });

  it("reports wrong block nesting and item counts", () => {
    const d = rule();
    const [name] = Object.keys(d.resource.oci_events_rule);
    const r = d.resource.oci_events_rule[name];
    const actions = r.actions as Record<string, unknown>;
    r.actions = [actions, actions];
    expect(checkStack(d, doc).findings).toEqual([
      { path: `oci_events_rule.${name}.actions`, problem: "at most 1 actions block(s), got 2" },
    ]);
    delete r.actions;
    expect(checkStack(d, doc).findings).toEqual([
      { path: `oci_events_rule.${name}.actions`, problem: "required block missing (at least 1)" },
    ]);
    const block = oci.resource_schemas?.oci_events_rule.block;
    if (!block) throw new Error("schema lacks oci_events_rule");
    expect(checkBlock({ ...actions, actions: "${var.x}" }, block.block_types?.actions.block ?? {}, "a")).toEqual([
      { path: "a.actions", problem: "actions is a block; it cannot be set from an expression" },
    ]);
  });

  it("reports a resource type the provider does not have", () => {
    const d = rule();
    d.resource.oci_functions_fn = { x: { display_name: "x" } };
    expect(checkStack(d, doc).findings).toEqual([
      { path: "oci_functions_fn.x", problem: "oci_functions_fn is not in the provider schema" },
    ]);
  });

  it("checks the provider configuration block too", () => {
    const d = rule();
    d.provider.oci[0].config_profile = "DEFAULT";
    expect(checkStack(d, doc).findings).toEqual([{ path: "provider.oci[0].config_profile", problem: "unknown attribute or block" }]);
  });
});
