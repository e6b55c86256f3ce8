import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { resolve } from "node:path";
import { seedEmptyImage, startRegistry, type TestRegistry } from "./registry-server";
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
  let baseImage: string;

  beforeAll(async () => {
    // The base comes from a mirror that wants credentials (as an OCIR mirror of fnproject/node does).
    base = await startRegistry({ tokenAuth: true });
    ocir = await startRegistry({ tokenAuth: true });
    baseImage = `${base.host}/fnproject/node:22@${await seedEmptyImage(base, "fnproject/node", "22")}`;
  });
  afterAll(async () => {
    await base?.stop();
    await ocir?.stop();
  });

  it("pulls the pinned base from a mirror with credentials and pushes the bundle to the tag every function points at", async () => {
    const input = environmentInput("example");
    const s = synthEnvironment(
      "example",
      { ...input, function: { ...input.function, baseImage, baseRegistryAuth: "token" } },
      resolve(ROOT, "dist/function"),
    );
    const push = Object.entries(resources(s, "terraform_data")).find(([n]) => n.startsWith("image_push"))?.[1] as {
      provisioner: { "local-exec": { command: string; working_dir: string; environment: Record<string, string> } }[];
      triggers_replace: Record<string, string>;
      lifecycle: { precondition: { condition: string }[] };
    };
    const exec = push.provisioner[0]["local-exec"];
    expect(exec.working_dir).toBe("${path.module}/../../..");
    expect(exec.environment).toEqual({
      OCIR_USERNAME: "${var.ocir_username}",
      OCIR_AUTH_TOKEN: "${var.ocir_auth_token}",
      BASE_REGISTRY_USERNAME: "${var.base_registry_username}",
      BASE_REGISTRY_PASSWORD: "${var.base_registry_password}",
    });
    expect(push.lifecycle.precondition.map((p) => p.condition)).toEqual([
      '${var.ocir_username != ""}',
      '${var.ocir_auth_token != ""}',
      '${var.base_registry_username != ""}',
      '${var.base_registry_password != ""}',
    ]);
    expect(push.triggers_replace.image).toBe(single(s, "oci_functions_function").image);

    const command = exec.command.split(OCIR).join(`${ocir.host}/ns`);
    // Asynchronous: the registry's token server runs in this process and must keep answering.
    const { stdout: out } = await promisify(execFile)("sh", ["-c", command], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        OCIR_USERNAME: ocir.credentials?.username,
        OCIR_AUTH_TOKEN: ocir.credentials?.password,
        BASE_REGISTRY_USERNAME: base.credentials?.username,
        BASE_REGISTRY_PASSWORD: base.credentials?.password,
      },
    });
    const image = String(single(s, "oci_functions_function").image).split(OCIR).join(`${ocir.host}/ns`);
    expect(out).toContain(`${image}@sha256:`);
    expect(out).toContain("manifest pushed");
  });
});
