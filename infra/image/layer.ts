import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { listBundleFiles } from "./bundle-digest";
import { sha256 } from "./registry-client";

export interface Layer {
  /** gzip-compressed tar: the blob that is pushed. */
  blob: Buffer;
  /** sha256 of `blob` (the manifest's layer digest). */
  digest: string;
  /** sha256 of the uncompressed tar (the config's rootfs diff_id). */
  diffId: string;
}

/** Fixed metadata so the same files always give the same bytes (and so the same digests). */
const FIXED = { mtime: new Date(0), uid: 0, gid: 0, uname: "", gname: "" };

async function tarOf(entries: { name: string; bytes?: Buffer }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    p.on("end", resolve);
    p.on("error", reject);
  });
  for (const e of entries) {
    if (e.bytes === undefined) p.entry({ ...FIXED, name: e.name, type: "directory", mode: 0o755 });
    else p.entry({ ...FIXED, name: e.name, type: "file", mode: 0o644 }, e.bytes);
  }
  p.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** Directory entries for every parent of the given paths, shallowest first. */
function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join("/")}/`);
  }
  return [...dirs].sort();
}

/** One deterministic layer holding every file of `bundleDir` under `/<workdir>` (e.g. /function/func.js). */
export async function buildLayer(bundleDir: string, workdir = "function"): Promise<Layer> {
  const files = listBundleFiles(bundleDir);
  const inImage = files.map((f) => `${workdir}/${f}`);
  const entries = [
    ...parentDirs(inImage).map((name) => ({ name })),
    ...files.map((f, i) => ({ name: inImage[i], bytes: readFileSync(join(bundleDir, f)) })),
  ];
  const tar = await tarOf(entries);
  // Node's gzip writes MTIME 0 and a constant OS byte, so equal tars compress to equal blobs.
  const blob = gzipSync(tar, { level: 9 });
  return { blob, digest: sha256(blob), diffId: sha256(tar) };
}
