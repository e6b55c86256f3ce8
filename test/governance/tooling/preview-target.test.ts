import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authorizationFrom, parseTargetUrl, resolveTarget, systemsEnvironment } from "../../../function/cli/templates/preview-target";

const SYSTEMS = JSON.stringify([
  { name: "Prod-ADB", application: "adb", host: "abc.adb.eu-frankfurt-1.oraclecloudapps.com", basePath: "/ords/iam_adb_sync_ag", auth: { type: "ords", secret: "ocid1.vaultsecret.oc1..aaaa" } },
]);

describe("preview target and credentials", () => {
  it("splits a target URL into scheme, host and base path", () => {
    expect(parseTargetUrl("http://127.0.0.1:8080/ords/admin/")).toEqual({ scheme: "http", host: "127.0.0.1:8080", basePath: "/ords/admin" });
    expect(parseTargetUrl("https://graph.microsoft.com")).toEqual({ scheme: "https", host: "graph.microsoft.com" });
    expect(() => parseTargetUrl("ftp://x")).toThrow("--target must be http(s), got ftp:");
    expect(() => parseTargetUrl("https://user:pw@x/")).toThrow("--target takes scheme, host and an optional base path only");
    expect(() => parseTargetUrl("x")).toThrow("--target x is not a URL");
  });

  it("resolves a connected system from AG_SYSTEMS, case-insensitively, with the functions' own validation", () => {
    expect(resolveTarget({ system: "prod-adb", env: { AG_SYSTEMS: SYSTEMS } })).toEqual({
      app: "adb",
      target: { scheme: "https", host: "abc.adb.eu-frankfurt-1.oraclecloudapps.com", basePath: "/ords/iam_adb_sync_ag" },
    });
    expect(resolveTarget({ system: "PROD-ADB", target: "http://127.0.0.1:9/ords/admin", env: { AG_SYSTEMS: SYSTEMS } }).target.host).toBe("127.0.0.1:9");
    expect(() => resolveTarget({ system: "Other", env: { AG_SYSTEMS: SYSTEMS } })).toThrow('connected system "Other" is not configured; known: Prod-ADB');
    expect(() => resolveTarget({ system: "x", env: { AG_SYSTEMS: "[{" } })).toThrow("config AG_SYSTEMS: must be valid JSON");
    expect(() => resolveTarget({ system: "x", env: {} })).toThrow("--system needs AG_SYSTEMS");
    expect(() => resolveTarget({ app: "adb", env: {} })).toThrow("give --system <name>, or --app <application> with --target <url>");
  });

  it("reads AG_SYSTEMS from an env file", () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-target-"));
    try {
      writeFileSync(join(dir, "x.env"), `# deployed config\nLOG_LEVEL=info\nAG_SYSTEMS='${SYSTEMS}'\n`);
      expect(systemsEnvironment(join(dir, "x.env"), {}).AG_SYSTEMS).toBe(SYSTEMS);
      expect(() => systemsEnvironment(join(dir, "missing.env"), {})).toThrow(`--env ${join(dir, "missing.env")} cannot be read`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("builds the Authorization value from --token or --basic, also from the environment", () => {
    expect(authorizationFrom({ token: "abc" }, {})).toBe("Bearer abc");
    expect(authorizationFrom({ basic: "ADMIN:p:w" }, {})).toBe(`Basic ${Buffer.from("ADMIN:p:w").toString("base64")}`);
    expect(authorizationFrom({ token: "env:T" }, { T: "from-env" })).toBe("Bearer from-env");
    expect(() => authorizationFrom({ token: "env:UNSET" }, {})).toThrow("--token env:UNSET: the variable is not set");
    expect(() => authorizationFrom({ basic: "nopassword" }, {})).toThrow("--basic takes user:password");
    expect(() => authorizationFrom({ token: "a", basic: "b:c" }, {})).toThrow("give --token or --basic, not both");
    expect(() => authorizationFrom({}, {})).toThrow("give credentials: --token <bearer token> or --basic <user:password>");
  });

  it("never echoes a secret in its errors", () => {
    try {
      authorizationFrom({ basic: "s3cr3t-no-colon" }, {});
    } catch (err) {
      expect((err as Error).message).not.toContain("s3cr3t");
    }
    expect.assertions(1);
  });
});
