import { DEFAULT_BASE_IMAGE } from "../../infra/config/environment-schema";
import { FunctionConfigRejected } from "../../infra/contract/function-config";
import { assertConfigFits, ConfigTooLargeError } from "../../infra/config/function-config";
import { imageTag } from "../../infra/image/bundle-digest";
import { environmentInput, fixtureBundle, ref, resources, single, synthCheckedIn, synthEnvironment } from "./synth";

const byRole = (s: ReturnType<typeof synthCheckedIn>) =>
  Object.fromEntries(
    Object.values(resources(s, "oci_functions_function")).map((f) => [(f.config as Record<string, string>).FUNCTION_ROLE, f]),
  );

function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error("nothing was thrown");
}

describe("function app construct", () => {
  const example = synthCheckedIn("example");
  const prod = synthCheckedIn("prod-eu");

  it("puts the application in the environment's subnet with the provisioning config", () => {
    const app = single(example, "oci_functions_application");
    expect(app.subnet_ids).toEqual([ref(example, "oci_core_subnet")]);
    expect(app.shape).toBe("GENERIC_X86");
    expect(app.config).toEqual({
      ORDS_URL: "https://example-db.adb.eu-frankfurt-1.oraclecloudapps.com/ords/admin",
      ORDS_AUTH: "oauth",
      ORDS_SECRET_OCID: ref(example, "oci_vault_secret"),
      GROUP_ROLE_MAP: '{"db-readers":["CONNECT","APP_READ"],"db-writers":["CONNECT","APP_READ","APP_WRITE"]}',
      NAMING_RULE: "username",
      IDENTITY_DOMAIN: "Default",
      ACCOUNT_AUTH: "iam",
      DELETE_POLICY: "lock",
      DEFAULT_GRANTS: "CREATE SESSION",
      AUDIT_BUCKET: "iam-adb-sync-example-audit",
      AUDIT_NAMESPACE: "${data.oci_objectstorage_namespace.namespace.namespace}",
      LOG_LEVEL: "info",
      DRY_RUN: "false",
      CACHE_TTL_SECONDS: "900",
    });
  });

  it("derives ORDS_URL from the Autonomous Database when given its OCID", () => {
    const app = single(prod, "oci_functions_application");
    const config = app.config as Record<string, string>;
    const [adbName] = Object.keys(prod.doc.data?.oci_database_autonomous_database ?? {});
    expect(prod.doc.data?.oci_database_autonomous_database[adbName].autonomous_database_id).toBe(
      "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.anqwexampleproddb",
    );
    expect(config.ORDS_URL).toBe(
      `\${trimsuffix(element(data.oci_database_autonomous_database.${adbName}.connection_urls, 0).ords_url, "/")}/iamsync`,
    );
    expect(config).toMatchObject({
      ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaprodordsclient",
      NAME_PREFIX: "IAM_",
      DENY_ROLES: "AUDIT_ADMIN",
      IDENTITY_DOMAIN_URL: "https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com",
      DELETE_POLICY: "drop",
      NAMING_RULE: "email_local",
    });
  });

  it("deploys one image several times, differing only in FUNCTION_ROLE (+ AG_SYSTEMS for the templates) and a heap cap sized to the shape", () => {
    const fns = byRole(prod);
    expect(Object.keys(fns).sort()).toEqual(["ag-request", "ag-response", "ag-schema", "ag-test", "provision", "reconcile"]);
    expect(fns.reconcile.display_name).toBe("iam-adb-sync-prod-eu-reconcile");
    const images = new Set(Object.values(fns).map((f) => f.image));
    expect(images.size).toBe(1);
    expect(fns["ag-schema"].display_name).toBe("grc-schema-template");
    expect(Object.keys(fns["ag-test"].config as object).sort()).toEqual(["AG_SYSTEMS", "FUNCTION_ROLE", "NODE_OPTIONS"]);
    expect((fns.provision.config as Record<string, string>).NODE_OPTIONS).toBe("--max-old-space-size=256 --max-semi-space-size=16");
    expect((byRole(example).provision.config as Record<string, string>).NODE_OPTIONS).toMatch(/^--max-old-space-size=\d+ /);
    const ag = environmentInput("prod-eu").accessGovernance as { systems: unknown[] };
    expect(JSON.parse((fns["ag-test"].config as Record<string, string>).AG_SYSTEMS)).toEqual(ag.systems);
    expect(fns.provision).toMatchObject({ memory_in_mbs: "512", timeout_in_seconds: 300 });
    expect(Object.keys(byRole(example))).toEqual(["provision"]);
  });

  it("points every function at the content-tagged image and the digest the push produced, after the push", () => {
    const bundle = fixtureBundle("exports.handler = 'v1';\n");
    const s = synthEnvironment("example", environmentInput("example"), bundle);
    const fn = single(s, "oci_functions_function");
    const tag = imageTag(bundle, DEFAULT_BASE_IMAGE, "linux/amd64");
    expect(fn.image).toBe(
      `ocir.eu-frankfurt-1.oci.oraclecloud.com/\${data.oci_objectstorage_namespace.namespace.namespace}/iam-adb-sync-example/function:${tag}`,
    );
    const [imagesName, images] = Object.entries(s.doc.data?.oci_artifacts_container_images ?? {})[0];
    expect(fn.image_digest).toBe(`\${data.oci_artifacts_container_images.${imagesName}.container_image_collection[0].items[0].digest}`);
    // The digest is read for exactly the pushed tag in exactly this stack's repository, after the push.
    const push = Object.keys(resources(s, "terraform_data")).find((n) => n.startsWith("image_push"));
    expect(images).toMatchObject({ repository_id: ref(s, "oci_artifacts_container_repository"), version: tag, depends_on: [`terraform_data.${push}`] });
    expect(fn.depends_on).toEqual(expect.arrayContaining([`terraform_data.${push}`]));
    expect(fn.application_id).toBe(ref(s, "oci_functions_application"));
    // Tags can never move under a running function.
    expect(single(s, "oci_artifacts_container_repository").is_immutable).toBe(true);
  });

  it("fails synth, naming the function and the key, when the function's own config rules would refuse the config", () => {
    const input = environmentInput("example");
    const groupRoleMap = { "db-readers": ["CONNECT"], "db-admins": ["CONNECT", "DBA"] };
    const error = thrownBy(() => synthEnvironment("admins", { ...input, provisioning: { ...input.provisioning, groupRoleMap } }));
    expect(error).toBeInstanceOf(FunctionConfigRejected);
    expect((error as FunctionConfigRejected).key).toBe("GROUP_ROLE_MAP.db-admins");
    expect((error as Error).message).toBe(
      "function iam-adb-sync-example-provision: the function would refuse its config: config GROUP_ROLE_MAP.db-admins: DBA is on the deny-list and may not be granted by this product",
    );
    // The configured deny-list counts too.
    expect(() =>
      synthEnvironment("deny", { ...input, provisioning: { ...input.provisioning, denyRoles: ["APP_WRITE"], groupRoleMap: { w: ["APP_WRITE"] } } }),
    ).toThrow("config GROUP_ROLE_MAP.w: APP_WRITE is on the deny-list");
  });

  it("fails synth with a clear error when the config cannot fit in 4 KB", () => {
    const input = environmentInput("example");
    const groupRoleMap = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`ocid1.group.oc1..aaaaaaaagroupnumber${i}`, ["CONNECT", "APP_READ"]]),
    );
    const error = thrownBy(() => synthEnvironment("big", { ...input, provisioning: { ...input.provisioning, groupRoleMap } }));
    expect(error).toBeInstanceOf(ConfigTooLargeError);
    expect((error as Error).message).toMatch(
      /^application iam-adb-sync-example-app: function config can reach \d+ bytes, over the OCI limit of 4096; largest entries: GROUP_ROLE_MAP \(\d+ B\)/,
    );
  });

  it("counts deploy-time values at their longest when checking the limit", () => {
    const literal = { GROUP_ROLE_MAP: "x".repeat(3900 - "GROUP_ROLE_MAP".length) };
    expect(assertConfigFits("fn", literal)).toBe(3900);
    // A reference renders as a short token at synth; it is sized as the longest OCID it can become.
    const withRef = { ...literal, ORDS_SECRET_OCID: { expression: "${oci_vault_secret.s.id}", maxBytes: 255, example: "ocid1.vaultsecret.oc1..x" } };
    expect(() => assertConfigFits("fn", withRef)).toThrow("fn: function config can reach 4171 bytes");
  });
});
