import { RULE_EVENT_TYPES } from "../../function/src/events/event-types";
import { HANDLED_EVENT_TYPES } from "../../infra/constructs/events-rule";
import { ref, single, synthCheckedIn } from "./synth";

describe("events rule construct", () => {
  const s = synthCheckedIn("example");
  const rule = single(s, "oci_events_rule");

  it("matches exactly the event types the function handles", () => {
    expect([...HANDLED_EVENT_TYPES].sort()).toEqual([...RULE_EVENT_TYPES].sort());
    const condition = JSON.parse(rule.condition as string) as { eventType: string[] };
    expect(Object.keys(condition)).toEqual(["eventType"]);
    expect([...condition.eventType].sort()).toEqual([...RULE_EVENT_TYPES].sort());
  });

  it("lives in the tenancy (root) compartment, where IAM events are emitted", () => {
    expect(rule.compartment_id).toBe("ocid1.tenancy.oc1..aaaaaaaaexampletenancy");
    expect(rule.is_enabled).toBe(true);
  });

  it("invokes the provisioning function (FAAS action) and nothing else", () => {
    const provisionName = Object.entries(s.doc.resource.oci_functions_function).find(
      ([, f]) => (f.config as Record<string, string>).FUNCTION_ROLE === "provision",
    )?.[0];
    expect(rule.actions).toEqual({
      actions: [
        {
          action_type: "FAAS",
          is_enabled: true,
          function_id: `\${oci_functions_function.${provisionName}.id}`,
          description: "provision",
        },
      ],
    });
    expect(s.doc.output.events_rule_id.value).toBe(ref(s, "oci_events_rule"));
  });
});
