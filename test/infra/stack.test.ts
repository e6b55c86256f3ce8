import { loadVendoredSchema } from "../../infra/conformance/check";
import { environmentInput, fixtureBundle, ref, synthCheckedIn, synthEnvironment } from "./synth";

const schema = loadVendoredSchema().provider_schemas["registry.terraform.io/oracle/oci"];

describe("environment stack", () => {
  const example = synthCheckedIn("example");
  const prod = synthCheckedIn("prod-eu");

  it("tags every OCI resource that takes freeform tags with the environment's tags", () => {
    for (const [s, env] of [
      [example, "example"],
      [prod, "prod-eu"],
    ] as const) {
      let tagged = 0;
      for (const [type, byName] of Object.entries(s.doc.resource)) {
        if (!schema.resource_schemas?.[type]?.block.attributes?.freeform_tags) continue;
        for (const r of Object.values(byName)) {
          expect(r.freeform_tags).toMatchObject({ project: "iam-adb-sync", environment: env, "managed-by": "iam-adb-sync" });
          tagged++;
        }
      }
      expect(tagged).toBeGreaterThan(10);
    }
    expect(Object.values(prod.doc.resource.oci_functions_function)[0].freeform_tags).toMatchObject({ "cost-center": "identity" });
  });

  it("outputs the ids an operator needs", () => {
    expect(example.doc.output.application_id.value).toBe(ref(example, "oci_functions_application"));
    expect(example.doc.output.invoke_log_id.value).toBe(ref(example, "oci_logging_log"));
    expect(example.doc.output.log_group_id.value).toBe(ref(example, "oci_logging_log_group"));
    expect(example.doc.output.audit_bucket.value).toBe("iam-adb-sync-example-audit");
    expect(Object.keys(prod.doc.output.function_ids.value as object).sort()).toEqual([
      "ag-request",
      "ag-response",
      "ag-schema",
      "ag-test",
      "provision",
      "reconcile",
    ]);
    expect(String(example.doc.output.image_ref.value)).toMatch(/\/iam-adb-sync-example\/function:b-[0-9a-f]{40}$/);
  });

  it("keeps local state in the repository root, outside cdktf.out", () => {
    expect(example.doc.terraform.backend).toEqual({ local: { path: "../../../terraform.example.tfstate" } });
  });

  it("stores remote state with Terraform's native oci backend, per environment, signed with the environment's profile", () => {
    expect(prod.doc.terraform.backend).toEqual({
      oci: {
        bucket: "tfstate-iam-adb-sync",
        namespace: "prodnamespace",
        region: "eu-frankfurt-1",
        key: "prod-eu/terraform.tfstate",
        config_file_profile: "PROD_EU",
      },
    });
    // The tenancy stack keeps its own state next to it, and reads the environment's outputs from there.
    const tenancy = prod.tenancy?.doc;
    expect(tenancy?.terraform.backend).toEqual({ oci: expect.objectContaining({ key: "prod-eu/terraform-tenancy.tfstate" }) });
    expect(Object.values(tenancy?.data?.terraform_remote_state ?? {})).toEqual([
      expect.objectContaining({ backend: "oci", config: expect.objectContaining({ key: "prod-eu/terraform.tfstate", bucket: "tfstate-iam-adb-sync" }) }),
    ]);
    const input = environmentInput("prod-eu");
    const other = synthEnvironment("prod-us", { ...input, state: { ...input.state, key: undefined } as typeof input.state });
    expect(other.doc.terraform.backend.oci.key).toBe("prod-us/terraform.tfstate");
  });

  it("keeps the S3-compatible backend as an option for Terraform < 1.12", () => {
    const input = environmentInput("prod-eu");
    const s = synthEnvironment("prod-eu", { ...input, state: { backend: "s3", bucket: "tfstate-iam-adb-sync", namespace: "prodnamespace", region: "eu-frankfurt-1" } });
    expect(s.doc.terraform.backend.s3).toMatchObject({
      bucket: "tfstate-iam-adb-sync",
      key: "prod-eu/terraform.tfstate",
      region: "eu-frankfurt-1",
      endpoints: { s3: "https://prodnamespace.compat.objectstorage.eu-frankfurt-1.oraclecloud.com" },
      use_path_style: true,
      skip_region_validation: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
    });
  });

  it("changes nothing but the image tag when only the bundle changes", () => {
    const a = synthEnvironment("example", environmentInput("example"), fixtureBundle("v1"));
    const b = synthEnvironment("example", environmentInput("example"), fixtureBundle("v2"));
    const again = synthEnvironment("example", environmentInput("example"), fixtureBundle("v1"));
    expect(again.json).toBe(a.json);
    const tagOf = (s: typeof a) => /function:(b-[0-9a-f]{40})/.exec(s.json)?.[1] as string;
    expect(tagOf(a)).not.toBe(tagOf(b));
    expect(b.json).toBe(a.json.split(tagOf(a)).join(tagOf(b)));
  });
});
