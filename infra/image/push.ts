/**
 * Builds the function image without Docker and pushes it:
 *
 *   tsx infra/image/push.ts --bundle dist/function --repo <host>/<namespace>/<repo> --tag <content tag>
 *       --base docker.io/fnproject/node:22@sha256:<digest> [--base-auth none|token] [--platform linux/amd64]
 *       [--auth token|profile|none] [--profile NAME]
 *
 * --base-auth token reads BASE_REGISTRY_USERNAME / BASE_REGISTRY_PASSWORD (a mirror of the base image, e.g. in
 * OCIR); the default pulls anonymously.
 *
 * The tag must be the bundle's content address (infra/image/bundle-digest.ts), which the stack computed at synth;
 * a bundle rebuilt since then is refused instead of being pushed under a stale tag.
 */
import { Command, Option } from "commander";
import { resolve } from "node:path";
import { imageTag } from "./bundle-digest";
import { parseRepository } from "./image-ref";
import { ocirCredentials } from "./ocir-login";
import { pushImage } from "./push-image";
import type { Credentials } from "./registry-client";

/** Credentials for the base image's registry (a mirror); anonymous unless asked. */
export function baseCredentials(mode: "none" | "token", env: NodeJS.ProcessEnv): Credentials | undefined {
  if (mode === "none") return undefined;
  const username = env.BASE_REGISTRY_USERNAME;
  const password = env.BASE_REGISTRY_PASSWORD;
  if (!username || !password) throw new Error("--base-auth token needs BASE_REGISTRY_USERNAME and BASE_REGISTRY_PASSWORD in the environment");
  return { username, password };
}

const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(host);

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("push")
    .requiredOption("--bundle <dir>", "function bundle directory (func.js, func.yaml, package.json)")
    .requiredOption("--repo <host/path>", "target repository, e.g. ocir.eu-frankfurt-1.oci.oraclecloud.com/ns/repo")
    .requiredOption("--tag <tag>", "content tag computed at synth")
    .requiredOption("--base <image>", "base image, pinned by digest")
    .addOption(new Option("--base-auth <mode>", "base registry login").choices(["none", "token"]).default("none"))
    .option("--platform <os/arch>", "platform of the base image to extend", "linux/amd64")
    .addOption(new Option("--auth <mode>", "target registry login").choices(["token", "profile", "none"]).default("token"))
    .option("--profile <name>", "OCI config profile for --auth profile", "DEFAULT")
    .parse(argv);
  const o = program.opts<{
    bundle: string;
    repo: string;
    tag: string;
    base: string;
    baseAuth: "none" | "token";
    platform: string;
    auth: "token" | "profile" | "none";
    profile: string;
  }>();

  const bundleDir = resolve(o.bundle);
  const expected = imageTag(bundleDir, o.base, o.platform);
  if (o.tag !== expected) {
    throw new Error(`--tag ${o.tag} does not match the bundle's content tag ${expected}: synthesize again`);
  }
  const target = parseRepository(o.repo);
  const base = o.base;
  const credentials = await ocirCredentials(o.auth, target.host, process.env, o.profile);
  const sourceCredentials = baseCredentials(o.baseAuth, process.env);
  const result = await pushImage({
    bundleDir,
    baseImage: base,
    platform: o.platform,
    target: { ...target, tag: o.tag },
    source: { credentials: sourceCredentials, plainHttp: isLoopback(base.split("/")[0]) },
    destination: { credentials, plainHttp: isLoopback(target.host) },
    log: (line) => console.log(line),
  });
  console.log(
    `${result.image} (uploaded ${result.uploadedBlobs.length} blob(s), reused ${result.reusedBlobs.length}, ` +
      `manifest ${result.manifestUploaded ? "pushed" : "unchanged"})`,
  );
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    console.error(`push: ${(err as Error).message}`);
    process.exit(1);
  });
}
