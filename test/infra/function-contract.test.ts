import { configSchema } from "../../function/src/config/schema";
import { loadGovernanceConfig } from "../../function/src/governance/config";
import { PROVISIONING_CONFIG } from "../../infra/config/function-config";
import { functionConfigCheck } from "../../infra/contract/function-config";
import { resources, single, synthCheckedIn } from "./synth";

/** What the deploy-time references resolve to in a real tenancy (stand-ins of the right shape). */
const RESOLVED: Record<string, string> = {
  ORDS_URL: "https://finance-db.adb.eu-frankfurt-1.oraclecloudapps.com/ords/iamsync",
  ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaacreatedsecret",
  AUDIT_NAMESPACE: "axaxnpcrorw5",
};

/** A function's environment as the Functions service assembles it: application config, then function config. */
function deployedEnv(s: ReturnType<typeof synthCheckedIn>, role: string): Record<string, string> {
  const app = single(s, "oci_functions_application").config as Record<string, string>;
  const fn = Object.values(resources(s, "oci_functions_function")).find(
    (f) => (f.config as Record<string, string>).FUNCTION_ROLE === role,
  );
  const merged = { ...app, ...(fn?.config as Record<string, string>) };
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v.includes("${") ? RESOLVED[k] : v]));
}

describe("infra ↔ function config contract", () => {
  it("maps only keys the function's config schema knows, and every key it requires", () => {
    const known = Object.keys(configSchema.shape);
    for (const { key } of PROVISIONING_CONFIG) expect(known).toContain(key);
    const required = Object.entries(configSchema.shape)
      .filter(([, t]) => !t.isOptional())
      .map(([k]) => k);
    expect(PROVISIONING_CONFIG.map((e) => e.key)).toEqual(expect.arrayContaining(required));
    // Only the sandbox endpoint overrides are deliberately left out of deployments.
    const unmapped = known.filter((k) => !PROVISIONING_CONFIG.some((e) => e.key === k));
    expect(unmapped.sort()).toEqual(["OCI_IDENTITY_ENDPOINT", "OCI_OBJECTSTORAGE_ENDPOINT", "OCI_SECRETS_ENDPOINT"]);
  });

  it.each(["example", "prod-eu"])("deploys a provisioning config the function accepts as meant (%s)", (name) => {
    const s = synthCheckedIn(name);
    const parsed = configSchema.parse(deployedEnv(s, "provision"));
    expect(parsed.ORDS_URL).toMatch(/\/ords\/(admin|iamsync)$/);
    if (name === "prod-eu") {
      expect(parsed).toMatchObject({
        GROUP_ROLE_MAP: {
          "ocid1.group.oc1..aaaaaaaafinanceanalysts": ["CONNECT", "FIN_READ"],
          "ocid1.group.oc1..aaaaaaaafinanceengineers": ["CONNECT", "FIN_READ", "FIN_WRITE"],
        },
        NAMING_RULE: "email_local",
        NAME_PREFIX: "IAM_",
        DENY_ROLES: ["AUDIT_ADMIN"],
        DELETE_POLICY: "drop",
        AUDIT_BUCKET: "iam-adb-sync-prod-eu-audit",
        RECONCILE_SECRET_OCID: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaprodscimclient",
        RECONCILE_PAGE: 500,
        RECONCILE_GUARD_SHARE: 0.05,
        RECONCILE_GUARD_MAX: 50,
      });
    } else {
      expect(parsed).toMatchObject({ DEFAULT_GRANTS: ["CREATE SESSION"], DRY_RUN: false, CACHE_TTL_SECONDS: 900 });
    }
  });

  it("deploys Access Governance template functions whose AG_SYSTEMS the governance config accepts", () => {
    const s = synthCheckedIn("prod-eu");
    for (const role of ["ag-schema", "ag-request", "ag-response", "ag-test"]) {
      const cfg = loadGovernanceConfig(deployedEnv(s, role));
      expect(cfg.systems.map((x) => [x.name, x.application, x.auth.type])).toEqual([["finance-adb", "adb", "ords"]]);
    }
  });

  it("builds the config contract from the function's own rules, so infra needs no function source", () => {
    const check = functionConfigCheck();
    const env = { ORDS_URL: "https://x.example/ords/admin", ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1..x" };
    expect(check(env)).toBeUndefined();
    expect(check({ ...env, DEFAULT_GRANTS: "CREATE SESSION,SYSDBA" })).toEqual({
      key: "DEFAULT_GRANTS",
      message: "config DEFAULT_GRANTS: SYSDBA is on the deny-list and may not be granted by this product",
    });
    expect(check({ ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1..x" })).toEqual({ key: "ORDS_URL", message: "config ORDS_URL: is required" });
  });
});
