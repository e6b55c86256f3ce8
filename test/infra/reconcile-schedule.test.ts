import { environmentInput, resources, single, synthCheckedIn, synthEnvironment, tenancyPart } from "./synth";

describe("scheduled reconcile", () => {
  const prod = synthCheckedIn("prod-eu");

  it("invokes exactly the reconcile function at the configured interval through OCI Resource Scheduler", () => {
    const schedule = single(prod, "oci_resource_scheduler_schedule");
    const reconcile = Object.entries(resources(prod, "oci_functions_function")).find(
      ([, f]) => (f.config as Record<string, string>).FUNCTION_ROLE === "reconcile",
    )?.[0];
    expect(schedule).toMatchObject({
      compartment_id: "ocid1.compartment.oc1..aaaaaaaaprodidentitysync",
      action: "START_RESOURCE",
      recurrence_type: "ICAL",
      recurrence_details: "FREQ=HOURLY;INTERVAL=6",
      resources: [{ id: `\${oci_functions_function.${reconcile}.id}` }],
    });
  });

  it("lets only that schedule invoke functions, only in the environment's compartment", () => {
    const services = Object.values(resources(tenancyPart(prod), "oci_identity_policy")).find((p) => (p.name as string).endsWith("-services"));
    const grant = (services?.statements as string[]).filter((s) => s.includes("resourceschedule"));
    expect(grant).toHaveLength(1);
    expect(grant[0]).toMatch(/^Allow any-user to use functions-family in compartment id ocid1\.compartment\.oc1\.\.aaaaaaaaprodidentitysync where all \{request\.principal\.type = 'resourceschedule', request\.principal\.id = '/);
    // The id is the schedule's, carried over from the environment's stack.
    const output = Object.keys(prod.doc.output).find((k) => k.includes("oci_resource_scheduler_schedule"));
    expect(grant[0]).toContain(`.outputs.${output}}'}`);
  });

  it("creates no schedule without reconcile, or with an interval of 0", () => {
    expect(resources(synthCheckedIn("example"), "oci_resource_scheduler_schedule")).toEqual({});
    const input = environmentInput("prod-eu");
    const off = synthEnvironment("prod-eu", { ...input, tenancyResources: "included", reconcile: { ...input.reconcile, intervalHours: 0 } });
    expect(resources(off, "oci_resource_scheduler_schedule")).toEqual({});
    const services = Object.values(resources(off, "oci_identity_policy")).find((p) => (p.name as string).endsWith("-services"));
    expect((services?.statements as string[]).some((s) => s.includes("resourceschedule"))).toBe(false);
  });
});
