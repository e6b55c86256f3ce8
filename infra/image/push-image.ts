import { composeImage, isIndex, selectPlatform, type ImageManifest } from "./compose-image";
import { parseImageRef } from "./image-ref";
import { buildLayer } from "./layer";
import { RegistryClient, type RegistryClientOptions } from "./registry-client";

export interface PushImageOptions {
  bundleDir: string;
  baseImage: string;
  target: { host: string; repository: string; tag: string };
  /** "os/arch[/variant]" of the base image to extend. */
  platform?: string;
  source?: RegistryClientOptions;
  destination?: RegistryClientOptions;
  log?: (line: string) => void;
}

export interface PushResult {
  /** host/repository:tag@digest — exactly what the function's image points at. */
  image: string;
  digest: string;
  uploadedBlobs: string[];
  reusedBlobs: string[];
  manifestUploaded: boolean;
}

/**
 * Builds base image + bundle layer and pushes what the target lacks: each blob is checked with HEAD first
 * (mounted from the base repository when both live on one registry, else copied), then the manifest unless
 * the tag already points at the same digest.
 */
export async function pushImage(opts: PushImageOptions): Promise<PushResult> {
  const log = opts.log ?? (() => undefined);
  const baseRef = parseImageRef(opts.baseImage);
  const src = new RegistryClient(baseRef.host, opts.source);
  const dst = new RegistryClient(opts.target.host, opts.destination);
  const repo = opts.target.repository;

  let baseManifest = await src.getManifest(baseRef.repository, baseRef.reference);
  if (isIndex(baseManifest)) {
    const chosen = selectPlatform(baseManifest, opts.platform ?? "linux/amd64");
    baseManifest = await src.getManifest(baseRef.repository, chosen.digest);
  }
  const base = JSON.parse(baseManifest.bytes.toString("utf8")) as ImageManifest;
  const baseConfig = await src.getBlob(baseRef.repository, base.config.digest);
  const layer = await buildLayer(opts.bundleDir);
  const image = composeImage(baseManifest, baseConfig, layer);

  const uploaded: string[] = [];
  const reused: string[] = [];
  const sameRegistry = baseRef.host === opts.target.host;
  const ensure = async (digest: string, bytes: () => Promise<Buffer>) => {
    if (await dst.hasBlob(repo, digest)) return void reused.push(digest);
    if (sameRegistry && (await dst.mountBlob(repo, digest, baseRef.repository))) return void reused.push(digest);
    await dst.pushBlob(repo, digest, await bytes());
    uploaded.push(digest);
    log(`uploaded ${digest}`);
  };
  for (const l of base.layers) await ensure(l.digest, () => src.getBlob(baseRef.repository, l.digest));
  await ensure(layer.digest, async () => layer.blob);
  await ensure(image.configDigest, async () => image.config);

  const current = await dst.headManifest(repo, opts.target.tag);
  const manifestUploaded = current !== image.manifest.digest;
  if (manifestUploaded) await dst.putManifest(repo, opts.target.tag, image.manifest);
  log(`${manifestUploaded ? "pushed" : "unchanged"} ${opts.target.host}/${repo}:${opts.target.tag}@${image.manifest.digest}`);
  return {
    image: `${opts.target.host}/${repo}:${opts.target.tag}@${image.manifest.digest}`,
    digest: image.manifest.digest,
    uploadedBlobs: uploaded,
    reusedBlobs: reused,
    manifestUploaded,
  };
}
