import { findSystem, loadGovernanceConfig } from "../../function/src/governance/config";
import { GovernanceError } from "../../function/src/governance/errors";

const SECRET = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaexample";
const idcs = { name: "Domain", application: "idcs", host: "idcs-0123abcd.identity.oraclecloud.com", auth: { type: "idcs", secret: SECRET } };
const load = (systems: unknown, extra: Record<string, string> = {}) => loadGovernanceConfig({ AG_SYSTEMS: JSON.stringify(systems), ...extra });

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GovernanceError);
    expect((err as GovernanceError).status).toBe(500);
    return (err as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("AG_SYSTEMS", () => {
  it("parses into typed systems with defaults", () => {
    const c = load([idcs]);
    expect(c.systems).toEqual([{ ...idcs, scheme: "https" }]);
    expect(c).toMatchObject({ LOG_LEVEL: "info", CACHE_TTL_SECONDS: 900 });
  });

  it("finds a system by name, case-insensitively", () => {
    expect(findSystem(load([idcs]), "  DOMAIN ").name).toBe("Domain");
  });

  it.each([
    [[{ ...idcs, auth: { type: "idcs", secret: "ocid1.user.oc1..x" } }], "config AG_SYSTEMS[0].auth.secret: must be a Vault secret OCID"],
    [[idcs, { ...idcs, name: "other", host: "https://x.example.com" }], "config AG_SYSTEMS[1].host: must be a host name, optionally with :port"],
    [[{ ...idcs, application: "adb" }], "config AG_SYSTEMS[0].auth.type: must be one of ords, basic for application adb"],
    [[idcs, { ...idcs, name: "DOMAIN" }], "config AG_SYSTEMS[1].name: duplicates another system's name (names are case-insensitive)"],
    [[{ ...idcs, application: "sap" }], "config AG_SYSTEMS[0].application: Invalid enum value. Expected 'idcs' | 'azuread' | 'adb', received 'sap'"],
    [[{ ...idcs, application: "azuread", auth: { type: "entra", secret: SECRET } }], "config AG_SYSTEMS[0].auth.tokenPath: is required"],
    [[{ ...idcs, auth: { ...idcs.auth, password: "x" } }], "config AG_SYSTEMS[0].auth: Unrecognized key(s) in object: 'password'"],
    [[{ ...idcs, basePath: "/ords/admin/" }], "config AG_SYSTEMS[0].basePath: must be a path like /ords/admin (no trailing slash)"],
    [
      [{ ...idcs, application: "adb", basePath: "/ords/admin", auth: { type: "ords", secret: SECRET } }],
      "config AG_SYSTEMS[0].basePath: is the ADMIN schema's alias; point the adb system at Access Governance's own schema (/ords/iam_adb_sync_ag, README \"Least-privilege database access\")",
    ],
  ])("refuses %j", (systems, message) => {
    expect(failure(() => load(systems))).toBe(message);
  });

  it("names other keys too", () => {
    expect(failure(() => load([idcs], { CACHE_TTL_SECONDS: "-1" }))).toBe("config CACHE_TTL_SECONDS: Number must be greater than or equal to 0");
  });

  it("a realistic three-system configuration stays far below the 4 KB config limit", () => {
    const systems = [
      idcs,
      {
        name: "Entra",
        application: "azuread",
        host: "graph.microsoft.com",
        auth: { type: "entra", secret: SECRET, tokenPath: "/0e3b5a3c-1111-2222-3333-444455556666/oauth2/v2.0/token", proxy: "http://proxy.internal:3128" },
      },
      { name: "ADB", application: "adb", host: "abcd1234-mydb.adb.eu-frankfurt-1.oraclecloudapps.com", basePath: "/ords/iam_adb_sync_ag", auth: { type: "ords", secret: SECRET } },
    ];
    const text = JSON.stringify(systems);
    expect(load(systems).systems).toHaveLength(3);
    expect(text.length).toBeLessThan(1024);
  });
});
