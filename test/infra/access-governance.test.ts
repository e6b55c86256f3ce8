import { resources, synthCheckedIn } from "./synth";

/** Logical name → function name of every oci_functions_function in a synth. */
function functionsByName(s: ReturnType<typeof synthCheckedIn>): Map<string, string> {
  return new Map(Object.entries(resources(s, "oci_functions_function")).map(([logical, f]) => [f.display_name as string, logical]));
}

describe("Access Governance policy", () => {
  const prod = synthCheckedIn("prod-eu");
  const example = synthCheckedIn("example");
  const policy = Object.values(resources(prod, "oci_identity_policy")).find((p) => (p.name as string).endsWith("-access-governance"));
  const statements = (policy?.statements ?? []) as string[];
  const instance = "request.principal.siOcid = 'ocid1.agcsgovernanceinstance.oc1.eu-frankfurt-1.amaaaaaaprodag'";
  const compartment = "in compartment id ocid1.compartment.oc1..aaaaaaaaprodidentitysync";

  it("lets the configured instance invoke exactly the four template functions", () => {
    const byName = functionsByName(prod);
    const ids = ["grc-schema-template", "grc-request-template", "grc-response-template", "grc-test-template"].map((n) => {
      const logical = byName.get(n);
      expect(logical).toBeDefined();
      return `target.function.id = '\${oci_functions_function.${logical}.id}'`;
    });
    expect(statements).toContain(
      `Allow resource agcsgovernanceinstance agcs-rp to use fn-invocation ${compartment} where all {${instance}, any {${ids.join(", ")}}}`,
    );
  });

  it("never names the provisioning or reconcile functions, and never grants functions-family or manage", () => {
    const byName = functionsByName(prod);
    const others = [...byName].filter(([name]) => !name.startsWith("grc-")).map(([, logical]) => logical);
    expect(others.length).toBeGreaterThan(0);
    for (const st of statements) {
      for (const logical of others) expect(st).not.toContain(logical);
      expect(st).not.toMatch(/functions-family|to manage /);
      expect(st).toContain(instance);
    }
  });

  it("grants only reads besides the scoped invocation (the console finds functions by application name)", () => {
    expect(statements.map((s) => s.replace(/ where .*/, ""))).toEqual([
      `Allow resource agcsgovernanceinstance agcs-rp to read fn-app ${compartment}`,
      `Allow resource agcsgovernanceinstance agcs-rp to read fn-function ${compartment}`,
      `Allow resource agcsgovernanceinstance agcs-rp to use fn-invocation ${compartment}`,
    ]);
  });

  it("is absent when Access Governance is off", () => {
    expect(Object.values(resources(example, "oci_identity_policy")).map((p) => p.name)).not.toContain("iam-adb-sync-example-access-governance");
  });
});
