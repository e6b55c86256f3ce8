import { environmentInput, resources, synthCheckedIn, synthEnvironment, tenancyPart } from "./synth";
import { problemsOf } from "./environment-problems";

describe("home region", () => {
  const example = synthCheckedIn("example");
  const prod = synthCheckedIn("prod-eu");

  it("writes IAM resources and the Events rule through an aliased home-region provider", () => {
    expect(example.doc.provider.oci).toEqual([
      { region: "eu-frankfurt-1", tenancy_ocid: "ocid1.tenancy.oc1..aaaaaaaaexampletenancy", config_file_profile: "DEFAULT" },
      { alias: "home", region: "eu-frankfurt-1", tenancy_ocid: "ocid1.tenancy.oc1..aaaaaaaaexampletenancy", config_file_profile: "DEFAULT" },
    ]);
    for (const s of [example, tenancyPart(prod)]) {
      for (const type of ["oci_identity_dynamic_group", "oci_identity_policy", "oci_events_rule"]) {
        for (const [name, r] of Object.entries(resources(s, type))) {
          if (name.includes("access-governance")) continue; // owned by the Access Governance construct
          expect([type, r.provider]).toEqual([type, "oci.home"]);
        }
      }
    }
  });

  it("fails the plan unless the tenancy's home region is the configured one, before any IAM write", () => {
    const check = Object.values(resources(example, "terraform_data")).find((r) => r.lifecycle !== undefined && "home_region" in ((r.input as object | undefined) ?? {}));
    const [tenancy] = (check?.lifecycle as { precondition: { condition: string; error_message: string }[] }).precondition;
    expect(tenancy.condition).toMatch(
      /^\$\{one\(\[for r in data\.oci_identity_region_subscriptions\.[\w-]+\.region_subscriptions : r\.region_name if r\.is_home_region\]\) == "eu-frankfurt-1"\}$/,
    );
    expect(tenancy.error_message).toContain("not the tenancy's home region");
    const subs = Object.values(example.doc.data?.oci_identity_region_subscriptions ?? {});
    expect(subs).toEqual([expect.objectContaining({ tenancy_id: "ocid1.tenancy.oc1..aaaaaaaaexampletenancy", provider: "oci.home" })]);
    // Every IAM write and the Events rule wait for the check.
    for (const type of ["oci_identity_dynamic_group", "oci_identity_policy", "oci_events_rule"]) {
      for (const [name, r] of Object.entries(resources(example, type))) {
        if (name.includes("access-governance")) continue;
        expect(r.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^terraform_data\.tenancy_home-region_check/)]));
      }
    }
  });

  it("also checks the identity domain's home region when its OCID is given", () => {
    const t = tenancyPart(prod);
    const check = Object.values(resources(t, "terraform_data")).find((r) => r.lifecycle !== undefined && "home_region" in ((r.input as object | undefined) ?? {}));
    const conditions = (check?.lifecycle as { precondition: { condition: string; error_message: string }[] }).precondition;
    expect(conditions).toHaveLength(2);
    expect(conditions[1].condition).toMatch(/^\$\{data\.oci_identity_domain\.[\w-]+\.home_region == "eu-frankfurt-1"\}$/);
    expect(conditions[1].error_message).toContain("ocid1.domain.oc1..aaaaaaaaprodcorpdomain");
    expect(Object.values(t.doc.data?.oci_identity_domain ?? {})).toEqual([
      expect.objectContaining({ domain_id: "ocid1.domain.oc1..aaaaaaaaprodcorpdomain", provider: "oci.home" }),
    ]);
    const noDomain = synthEnvironment("example", environmentInput("example"));
    expect(noDomain.doc.data?.oci_identity_domain).toBeUndefined();
  });

  it("refuses at synth a region that differs from the stated home region", () => {
    const c = environmentInput("example") as Record<string, unknown>;
    c.homeRegion = "us-ashburn-1";
    expect(problemsOf("x.json", c)).toEqual([
      "region: must be the home region us-ashburn-1: IAM events are delivered only there and an Events rule invokes functions only in its own region",
    ]);
  });
});
