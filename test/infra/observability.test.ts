import { errorQuery } from "../../infra/constructs/alarms";
import { environmentInput, ref, resources, single, synthCheckedIn, synthEnvironment, tenancyPart, type Synth } from "./synth";

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
  const example = synthCheckedIn("example");
  const prod = tenancyPart(synthCheckedIn("prod-eu"));
  const emptierOf = (s: Synth) => {
    const [name, r] = Object.entries(resources(s, "terraform_data")).find(([n]) => n.includes("empty-on-destroy")) ?? [];
    if (!name || !r) throw new Error("no emptier");
    return { ref: `terraform_data.${name}`, r };
  };
  const policyRef = (s: Synth, suffix: string) => {
    const [name] = Object.entries(resources(s, "oci_identity_policy")).find(([, p]) => (p.name as string).endsWith(suffix)) ?? [];
    return `oci_identity_policy.${name}`;
  };

  it("keeps every version of a record, expires records and old versions after the retention, optional retention rule", () => {
    const bucket = single(prod, "oci_objectstorage_bucket");
    expect(bucket).toMatchObject({
      name: "iam-adb-sync-prod-eu-audit",
      access_type: "NoPublicAccess",
      versioning: "Enabled",
      kms_key_id: "ocid1.key.oc1.eu-frankfurt-1.bbprodvault.abprodauditkey",
      namespace: "${data.oci_objectstorage_namespace.namespace.namespace}",
      retention_rules: [{ display_name: "audit-records-immutable", duration: { time_amount: "2555", time_unit: "DAYS" } }],
    });
    const lifecycle = single(prod, "oci_objectstorage_object_lifecycle_policy");
    expect(lifecycle.bucket).toBe(ref(prod, "oci_objectstorage_bucket", "name"));
    expect(lifecycle.rules).toEqual([
      expect.objectContaining({ action: "DELETE", target: "objects", time_amount: "2555", time_unit: "DAYS", is_enabled: true }),
      expect.objectContaining({ action: "DELETE", target: "previous-object-versions", time_amount: "2555", time_unit: "DAYS" }),
      expect.objectContaining({ action: "ABORT", target: "multipart-uploads", time_amount: "1", time_unit: "DAYS" }),
    ]);
    expect(single(example, "oci_objectstorage_bucket").retention_rules).toBeUndefined();
  });

  it("creates the lifecycle policy only after Object Storage's service policy, and a KMS bucket after its key grant", () => {
    for (const s of [example, prod]) {
      expect(single(s, "oci_objectstorage_object_lifecycle_policy").depends_on).toEqual([policyRef(s, "-objectstorage")]);
    }
    expect(single(prod, "oci_objectstorage_bucket").depends_on).toEqual([policyRef(prod, "-objectstorage")]);
    // Oracle-managed encryption needs no grant to exist first.
    expect(single(example, "oci_objectstorage_bucket").depends_on).toBeUndefined();
  });

  it("empties on destroy only through a terraform_data step whose input holds the bucket's identity, never a trigger", () => {
    const { r } = emptierOf(example);
    expect(r.triggers_replace).toBeUndefined();
    expect(r.triggers).toBeUndefined();
    expect(resources(example, "null_resource")).toEqual({});
    expect(r.input).toEqual({
      namespace: "${data.oci_objectstorage_namespace.namespace.namespace}",
      bucket: ref(example, "oci_objectstorage_bucket", "name"),
      bucket_id: ref(example, "oci_objectstorage_bucket", "bucket_id"),
      compartment_id: "ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
      region: "eu-frankfurt-1",
      profile: "DEFAULT",
    });
    expect(r.provisioner).toEqual([
      {
        "local-exec": {
          when: "destroy",
          working_dir: "${path.module}/../../..",
          command:
            "npx tsx infra/scripts/empty-bucket.ts --namespace ${self.input.namespace} --bucket ${self.input.bucket}" +
            " --bucket-id ${self.input.bucket_id} --compartment ${self.input.compartment_id}" +
            " --region ${self.input.region} --profile ${self.input.profile}",
        },
      },
    ]);
    // Confirmation is read from the environment by the step, never stored in the configuration.
    expect(example.json).not.toContain("IAM_ADB_SYNC_EMPTY_AUDIT_BUCKET");
  });

  it("renames nothing that would replace the step: a changed profile or region is an in-place input update", () => {
    const input = environmentInput("example");
    const renamed = synthEnvironment("example", { ...input, ociConfigProfile: "OTHER", region: "eu-amsterdam-1", database: { ...input.database, ordsUrl: "https://x.adb.eu-amsterdam-1.oraclecloudapps.com/ords" } });
    const [a, b] = [emptierOf(example), emptierOf(renamed)];
    expect(b.ref).toBe(a.ref);
    expect(Object.keys(b.r).filter((k) => !["input", "//"].includes(k)).sort()).toEqual(["provisioner"]);
    expect(b.r.provisioner).toEqual(a.r.provisioner);
  });

  it("runs only after every writer is gone: functions and the writers' policy depend on the step", () => {
    const { ref: emptier } = emptierOf(example);
    for (const fn of Object.values(resources(example, "oci_functions_function"))) {
      expect(fn.depends_on).toEqual(expect.arrayContaining([emptier]));
    }
    const fnPolicy = Object.values(resources(example, "oci_identity_policy")).find((p) => (p.name as string).endsWith("-function"));
    expect(fnPolicy?.depends_on).toEqual(expect.arrayContaining([emptier]));
  });

  it("creates no bucket and no audit config when auditing is off", () => {
    const s = synthEnvironment("no-audit", { ...environmentInput("example"), audit: { enabled: false } });
    expect(resources(s, "oci_objectstorage_bucket")).toEqual({});
    expect(Object.keys(resources(s, "terraform_data")).some((n) => n.includes("empty-on-destroy"))).toBe(false);
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
