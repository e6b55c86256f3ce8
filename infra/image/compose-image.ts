import type { Layer } from "./layer";
import { sha256, type Manifest } from "./registry-client";

/** The parts of an image config this tool reads or writes; everything else is carried over untouched. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: { Cmd?: string[] | null; Entrypoint?: string[] | null; WorkingDir?: string; [k: string]: unknown };
  rootfs: { type: string; diff_ids: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
  [k: string]: unknown;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  [k: string]: unknown;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  [k: string]: unknown;
}

const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

export function isIndex(m: Manifest): boolean {
  return INDEX_TYPES.has(m.mediaType);
}

/** Picks the descriptor for `platform` ("os/arch[/variant]") from a multi-platform index. */
export function selectPlatform(index: Manifest, platform: string): Descriptor {
  const [os, architecture, variant] = platform.split("/");
  const parsed = JSON.parse(index.bytes.toString("utf8")) as { manifests: Descriptor[] };
  const match = parsed.manifests.find(
    (d) =>
      d.platform?.os === os &&
      d.platform.architecture === architecture &&
      (variant === undefined || d.platform.variant === variant),
  );
  if (!match) {
    const have = parsed.manifests.map((d) => (d.platform ? `${d.platform.os}/${d.platform.architecture}` : "?"));
    throw new Error(`base image has no ${platform} manifest (has ${have.join(", ")})`);
  }
  return match;
}

export interface ComposedImage {
  config: Buffer;
  configDigest: string;
  manifest: Manifest;
}

/**
 * The function image: the base image plus one layer, started as `node func.js` in /function. Media types follow
 * the base (Docker schema 2 or OCI), so registries that accept the base accept the result.
 */
export function composeImage(baseManifest: Manifest, baseConfig: Buffer, layer: Layer, workdir = "function"): ComposedImage {
  const base = JSON.parse(baseManifest.bytes.toString("utf8")) as ImageManifest;
  const cfg = JSON.parse(baseConfig.toString("utf8")) as ImageConfig;
  const docker = baseManifest.mediaType === DOCKER_MANIFEST;
  const layerType = docker
    ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
    : "application/vnd.oci.image.layer.v1.tar+gzip";

  const newConfig: ImageConfig = {
    ...cfg,
    config: { ...cfg.config, WorkingDir: `/${workdir}`, Entrypoint: ["node", "func.js"], Cmd: null },
    rootfs: { type: "layers", diff_ids: [...cfg.rootfs.diff_ids, layer.diffId] },
    // Keep the base's timestamp: a wall-clock date would change the digest on every build.
    history: [...(cfg.history ?? []), { created: cfg.created, created_by: "iam-adb-sync: function bundle layer" }],
  };
  const config = Buffer.from(JSON.stringify(newConfig));
  const configDigest = sha256(config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: baseManifest.mediaType,
    config: { mediaType: base.config.mediaType, digest: configDigest, size: config.length },
    layers: [...base.layers, { mediaType: layerType, digest: layer.digest, size: layer.blob.length }],
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { config, configDigest, manifest: { mediaType: baseManifest.mediaType, bytes, digest: sha256(bytes) } };
}
