import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST_DIR } from "../../function/build/bundle";
import { startFunction } from "../support/fdk-harness";
import { startLocalStack } from "../support/local-stack";
import { readTemplate, startLandscape, type Landscape } from "../governance/support/landscape";

/**
 * Per-role code is loaded only by its role: the built image directory (dist/function, from jest's global
 * setup) is copied without a role's chunk, and the roles that must not need it still start and answer real
 * events, while the role whose code it holds fails, naming the missing file.
 */
const CHUNKS = ["reconcile.js", "governance.js"];

/** A copy of the bundle directory without the named chunks (nor their code caches). */
function bundleWithout(chunks: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "role-chunks-"));
  cpSync(DIST_DIR, dir, { recursive: true });
  for (const name of readdirSync(dir)) if (chunks.some((c) => name === c || name.startsWith(`${c}.`))) rmSync(join(dir, name));
  return dir;
}

describe("per-role chunks of the bundle", () => {
  const dirs: string[] = [];
  const copy = (chunks: string[]) => {
    const dir = bundleWithout(chunks);
    dirs.push(dir);
    return join(dir, "func.js");
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("are separate files of the image", () => {
    for (const chunk of CHUNKS) expect(existsSync(join(DIST_DIR, chunk))).toBe(true);
  });

  it("a provisioning function syncs users with neither the reconcile nor the governance chunk present", async () => {
    const s = await startLocalStack({ functionFile: copy(CHUNKS) });
    try {
      s.oci.identity.addMember("ocid1.group.oc1..aaaareaders", "ocid1.user.oc1..aaaajane");
      const r = await s.send("addusertogroup");
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ outcome: "applied", principal: { dbUsername: "JANE_DOE_EXAMPLE_COM" } });
      expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual(["SALES_READ"]);
    } finally {
      await s.stop();
    }
  });

  describe("template functions", () => {
    let l: Landscape;
    beforeAll(async () => {
      l = await startLandscape();
    });
    afterAll(async () => l?.close());

    it("answer without the reconcile chunk, and a reconcile function without it fails naming the file", async () => {
      const file = copy(["reconcile.js"]);
      const schema = await startFunction(l.config("ag-schema"), { file });
      const reconcile = await startFunction(l.config("reconcile"), { file });
      try {
        const r = await schema.invoke({ connectedSystemName: "IdentityDomain" });
        expect(r.status).toBe(200);
        expect(r.json).toEqual(readTemplate("schema/applications/idcs/TEMPLATE.json"));
        const failed = await reconcile.invoke({ action: "reconcile" });
        expect(failed.status).toBe(502);
        expect(failed.body).toMatch(/ENOENT[^"]*reconcile\.js/);
      } finally {
        await Promise.all([schema.stop(), reconcile.stop()]);
      }
    });

    it("need their own chunk: without it they fail naming the file", async () => {
      const schema = await startFunction(l.config("ag-schema"), { file: copy(["governance.js"]) });
      try {
        const failed = await schema.invoke({ connectedSystemName: "IdentityDomain" });
        expect(failed.status).toBe(502);
        expect(failed.body).toMatch(/ENOENT[^"]*governance\.js/);
      } finally {
        await schema.stop();
      }
    });
  });
});
