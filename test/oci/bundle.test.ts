import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "../../function/build/bundle";
import { startOciServer, type OciServer } from "../servers/oci/server";

/**
 * The OCI SDK inside one esbuild bundle, loaded lazily, run in a fresh process that gets the resource
 * principal the way a deployed function does: through its environment.
 */
const SECRET = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaabundle";
const USER = "ocid1.user.oc1..aaaaaaaabundle";
const BUCKET = "audit-bundle";

let oci: OciServer;
let dir: string;
let file: string;
beforeAll(async () => {
  oci = await startOciServer({ buckets: [BUCKET] });
  oci.secrets.set(SECRET, "bundle-secret-text");
  oci.identity.addUser({ id: USER, name: "bundle.user" });
  dir = mkdtempSync(join(tmpdir(), "oci-bundle-"));
  file = join(dir, "smoke.js");
  await build({
    entryPoints: [join(__dirname, "fixtures", "oci-smoke.ts")],
    outfile: file,
    ...BUNDLE_OPTIONS,
    logLevel: "error",
  });
});
afterAll(async () => {
  await oci.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Asynchronous on purpose: the OCI server lives in this process and must keep answering. */
function run(env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [file, SECRET, USER, BUCKET],
      { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 30_000 },
      (err, stdout) => {
        if (err) return reject(err);
        const last = stdout.trim().split("\n").pop() ?? "";
        resolve(JSON.parse(last) as Record<string, unknown>);
      },
    );
  });
}

describe("OCI leaf modules bundled with esbuild", () => {
  it("read a secret, look a user up and store an audit record with the resource principal from the environment", async () => {
    const out = await run({ ...oci.env, ...oci.endpoints });
    expect(out).toMatchObject({
      secretSha256: createHash("sha256").update("bundle-secret-text").digest("hex"),
      user: { kind: "found", user: { ocid: USER, userName: "bundle.user", blocked: false, groups: [] } },
    });
    expect(oci.objects.list(BUCKET)).toEqual([out.object]);
    expect(oci.stats.unauthorized).toBe(0);
  });

  it("without the resource principal environment they fail with a clear message and call nothing", async () => {
    oci.stats.reset();
    const out = await run({ ...oci.endpoints });
    expect(out.error).toMatch(
      /^resource principal not available: OCI_RESOURCE_PRINCIPAL_VERSION is not set; run inside OCI Functions or set OCI_RESOURCE_PRINCIPAL_VERSION, OCI_RESOURCE_PRINCIPAL_RPST, /,
    );
    expect(oci.stats.requests).toHaveLength(0);
  });
});
