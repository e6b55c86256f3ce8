import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { resolve } from "node:path";
import { RegistryClient, sha256 } from "../../infra/image/registry-client";
import { startRegistry, type TestRegistry } from "./registry-server";
import { environmentInput, resources, single, synthEnvironment } from "./synth";

const ROOT = resolve(__dirname, "../..");
const OCIR = "ocir.eu-frankfurt-1.oci.oraclecloud.com/${data.oci_objectstorage_namespace.namespace.namespace}";

/**
 * Runs the push step exactly as `cdktf deploy` would (the synthesized local-exec command, from the repository
 * root, with the sensitive variables in its environment) against real registries on loopback; only the OCIR host
 * and the namespace Terraform fills in at apply time are substituted.
 */
describe("deploy-time image push wiring", () => {
  let base: TestRegistry;
  let ocir: TestRegistry;

  beforeAll(async () => {
    base = await startRegistry();
    ocir = await startRegistry({ tokenAuth: true });
    // The smallest base: an OCI manifest with no layers.
    const seed = new RegistryClient(base.host, { plainHttp: true });
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
    await seed.pushBlob("fnproject/node", sha256(config), config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
        layers: [],
      }),
    );
    await seed.putManifest("fnproject/node", "20", { mediaType: "application/vnd.oci.image.manifest.v1+json", bytes: manifest, digest: sha256(manifest) });
  });
  afterAll(async () => {
    await base?.stop();
    await ocir?.stop();
  });

  it("pushes the built bundle to the tag every function points at", async () => {
    const input = environmentInput("example");
    const s = synthEnvironment("example", { ...input, function: { ...input.function, baseImage: `${base.host}/fnproject/node:20` } }, resolve(ROOT, "dist/function"));
    const push = Object.entries(resources(s, "null_resource")).find(([n]) => n.startsWith("image_push"))?.[1] as {
      provisioner: { "local-exec": { command: string; working_dir: string; environment: Record<string, string> } }[];
    };
    const exec = push.provisioner[0]["local-exec"];
    expect(exec.working_dir).toBe("${path.module}/../../..");
    expect(exec.environment).toEqual({ OCIR_USERNAME: "${var.ocir_username}", OCIR_AUTH_TOKEN: "${var.ocir_auth_token}" });

    const command = exec.command.split(OCIR).join(`${ocir.host}/ns`);
    // Asynchronous: the registry's token server runs in this process and must keep answering.
    const { stdout: out } = await promisify(execFile)("sh", ["-c", command], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, OCIR_USERNAME: ocir.credentials?.username, OCIR_AUTH_TOKEN: ocir.credentials?.password },
    });
    const image = String(single(s, "oci_functions_function").image).split(OCIR).join(`${ocir.host}/ns`);
    expect(out).toContain(`${image}@sha256:`);
    expect(out).toContain("manifest pushed");
  });
});
