/**
 * Pins an environment's base image to the digest its registry serves for the tag right now, and writes it into
 * the environment file (function.baseImage = <repository>:<tag>@sha256:<digest>):
 *
 *   npm run image:pin -- <env> [--image docker.io/fnproject/node:22]
 *
 * Run it once before the first deploy and again whenever you mean to take a base-image update; a new digest
 * changes the image tag, so the next deploy pushes and redeploys every function.
 */
import { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENVIRONMENTS_DIR, loadEnvironmentFile } from "../config/load-environment";
import { parseImageRef } from "../image/image-ref";
import { baseCredentials } from "../image/push";
import { RegistryClient } from "../image/registry-client";

const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(host);

/** `<repository>:<tag>` without any digest. */
export function unpinned(image: string): string {
  return image.replace(/@sha256:[a-f0-9]{64}$/, "");
}

export async function resolvePinned(image: string, client?: RegistryClient): Promise<string> {
  const tagged = unpinned(image);
  const ref = parseImageRef(tagged);
  if (!/:[\w][\w.-]{0,127}$/.test(tagged)) throw new Error(`${tagged} names no tag: give one, e.g. docker.io/fnproject/node:22`);
  const registry = client ?? new RegistryClient(ref.host, { plainHttp: isLoopback(ref.host) });
  const digest = await registry.headManifest(ref.repository, ref.reference);
  if (!digest) throw new Error(`${tagged} does not exist in its registry`);
  return `${tagged}@${digest}`;
}

/** Rewrites function.baseImage in the environment file, keeping everything else as it was. */
export function writePinned(file: string, pinned: string): void {
  const raw = JSON.parse(readFileSync(file, "utf8")) as { function?: Record<string, unknown> };
  raw.function = { ...(raw.function ?? {}), baseImage: pinned };
  writeFileSync(file, `${JSON.stringify(raw, null, 2)}\n`);
  loadEnvironmentFile(file); // still a valid environment
}

async function main(argv: string[]): Promise<void> {
  const program = new Command().argument("<env>").option("--image <repository:tag>", "image to pin instead of the configured one").parse(argv);
  const [name] = program.args;
  const dir = process.env.IAM_ADB_SYNC_ENVIRONMENTS_DIR || ENVIRONMENTS_DIR;
  const file = join(dir, `${name}.json`);
  const env = loadEnvironmentFile(file).config;
  const image = program.opts<{ image?: string }>().image ?? env.function.baseImage;
  const ref = parseImageRef(unpinned(image));
  const credentials = baseCredentials(env.function.baseRegistryAuth, process.env);
  const pinned = await resolvePinned(image, new RegistryClient(ref.host, { credentials, plainHttp: isLoopback(ref.host) }));
  writePinned(file, pinned);
  console.log(`${file}: function.baseImage = ${pinned}`);
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    console.error(`image:pin: ${(err as Error).message}`);
    process.exit(1);
  });
}
