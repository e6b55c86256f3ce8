import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvironmentFile } from "../../infra/config/load-environment";
import { RegistryClient } from "../../infra/image/registry-client";
import { resolvePinned, writePinned } from "../../infra/scripts/pin-base-image";
import { seedEmptyImage, startRegistry, type TestRegistry } from "./registry-server";
import { ENV_DIR } from "./synth";

describe("npm run image:pin", () => {
  let mirror: TestRegistry;
  let digest: string;

  beforeAll(async () => {
    mirror = await startRegistry({ tokenAuth: true });
    digest = await seedEmptyImage(mirror, "fnproject/node", "22");
  });
  afterAll(async () => mirror?.stop());

  it("pins the tag to the digest the registry serves, keeping the tag in the reference", async () => {
    const client = new RegistryClient(mirror.host, { plainHttp: true, credentials: mirror.credentials });
    await expect(resolvePinned(`${mirror.host}/fnproject/node:22`, client)).resolves.toBe(`${mirror.host}/fnproject/node:22@${digest}`);
    // An old pin is replaced by the current digest of the same tag.
    await expect(resolvePinned(`${mirror.host}/fnproject/node:22@sha256:${"0".repeat(64)}`, client)).resolves.toBe(
      `${mirror.host}/fnproject/node:22@${digest}`,
    );
    await expect(resolvePinned(`${mirror.host}/fnproject/node:23`, client)).rejects.toThrow("fnproject/node:23 does not exist in its registry");
  });

  it("writes the pin into the environment file, which stays valid", () => {
    const dir = mkdtempSync(join(tmpdir(), "pin-"));
    const file = join(dir, "example.json");
    writeFileSync(file, readFileSync(join(ENV_DIR, "example.json")));
    const pinned = `docker.io/fnproject/node:22@sha256:${"cd".repeat(32)}`;
    writePinned(file, pinned);
    expect(loadEnvironmentFile(file).config.function).toMatchObject({ baseImage: pinned, memoryMb: 256 });
  });
});
