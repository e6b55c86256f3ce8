import { errorQuery } from "../../infra/constructs/alarms";
import { environmentInput, ref, resources, single, synthCheckedIn, synthEnvironment } from "./synth";

describe("logging construct", () => {
  it("enables the application's invoke log in a log group with the configured retention", () => {
    const prod = synthCheckedIn("prod-eu");
    const log = single(prod, "oci_logging_log");
    expect(log).toMatchObject({
      log_type: "SERVICE",
      is_enabled: true,
      retention_duration: 90,
      log_group_id: ref(prod, "oci_logging_log_group"),
      configuration: {
        compartment_id: "ocid1.compartment.oc1..aaaaaaaaprodidentitysync",
        source: {
          source_type: "OCISERVICE",
          service: "functions",
          category: "invoke",
          resource: ref(prod, "oci_functions_application"),
        },
      },
    });
  });
});

describe("audit bucket construct", () => {
  it("creates a private bucket with a retention lifecycle and the optional KMS key", () => {
    const prod = synthCheckedIn("prod-eu");
    const bucket = single(prod, "oci_objectstorage_bucket");
    expect(bucket).toMatchObject({
      name: "iam-adb-sync-prod-eu-audit",
      access_type: "NoPublicAccess",
      kms_key_id: "ocid1.key.oc1.eu-frankfurt-1.bbprodvault.abprodauditkey",
      namespace: "${data.oci_objectstorage_namespace.namespace.namespace}",
    });
    const lifecycle = single(prod, "oci_objectstorage_object_lifecycle_policy");
    expect(lifecycle.bucket).toBe(ref(prod, "oci_objectstorage_bucket", "name"));
    expect(lifecycle.rules).toEqual([
      expect.objectContaining({ action: "DELETE", target: "objects", time_amount: "2555", time_unit: "DAYS", is_enabled: true }),
      expect.objectContaining({ action: "ABORT", target: "multipart-uploads", time_amount: "1", time_unit: "DAYS" }),
    ]);
  });

  it("empties the bucket at destroy time, before OCI is asked to delete it", () => {
    const s = synthCheckedIn("example");
    const [name, emptier] = Object.entries(resources(s, "null_resource")).find(([n]) => n.startsWith("audit_")) ?? [];
    expect(name).toBeDefined();
    expect(emptier?.depends_on).toEqual([`oci_objectstorage_bucket.${Object.keys(resources(s, "oci_objectstorage_bucket"))[0]}`]);
    expect(emptier?.provisioner).toEqual([
      {
        "local-exec": {
          when: "destroy",
          working_dir: "${path.module}/../../..",
          command:
            "npx tsx infra/scripts/empty-bucket.ts --namespace ${self.triggers.namespace} --bucket ${self.triggers.bucket} --region ${self.triggers.region} --profile ${self.triggers.profile}",
        },
      },
    ]);
  });

  it("creates no bucket and no audit config when auditing is off", () => {
    const s = synthEnvironment("no-audit", { ...environmentInput("example"), audit: { enabled: false } });
    expect(resources(s, "oci_objectstorage_bucket")).toEqual({});
    expect(Object.keys(single(s, "oci_functions_application").config as object)).not.toContain("AUDIT_BUCKET");
  });
});

describe("alarms construct", () => {
  it("alarms on errors of every function and mails the topic", () => {
    const prod = synthCheckedIn("prod-eu");
    const alarms = Object.values(resources(prod, "oci_monitoring_alarm"));
    const fnRefs = Object.keys(resources(prod, "oci_functions_function")).map((n) => `\${oci_functions_function.${n}.id}`);
    expect(alarms.map((a) => a.query).sort()).toEqual(fnRefs.map(errorQuery).sort());
    for (const a of alarms) {
      expect(a).toMatchObject({ namespace: "oci_faas", is_enabled: true, destinations: [ref(prod, "oci_ons_notification_topic")] });
    }
    expect(single(prod, "oci_ons_subscription")).toMatchObject({
      protocol: "EMAIL",
      endpoint: "identity-oncall@example.com",
      topic_id: ref(prod, "oci_ons_notification_topic"),
    });
    expect(errorQuery("F")).toBe('FunctionResponseCount[1m]{resourceId = "F", responseType = "Error"}.sum() > 0');
  });

  it("creates no alarm resources when alarms are off", () => {
    const s = synthEnvironment("quiet", { ...environmentInput("example"), alarms: { enabled: false } });
    expect(resources(s, "oci_monitoring_alarm")).toEqual({});
    expect(resources(s, "oci_ons_notification_topic")).toEqual({});
  });
});
