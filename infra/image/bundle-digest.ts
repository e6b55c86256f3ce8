import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Regular files under `dir`, as sorted POSIX-style relative paths (the order the layer and the hash use). */
export function listBundleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push(relative(dir, full).split(sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Content address of the function image: the bundle's file names and bytes plus the base image reference and
 * platform. Same inputs → same tag → Terraform sees no change and the push uploads nothing.
 */
export function imageTag(bundleDir: string, baseImage: string, platform: string): string {
  const files = listBundleFiles(bundleDir);
  if (!files.includes("func.js")) {
    throw new Error(`${bundleDir} holds no func.js: build the function bundle first (npm run build)`);
  }
  const h = createHash("sha256");
  h.update(`base ${baseImage}\nplatform ${platform}\n`);
  for (const f of files) {
    const bytes = readFileSync(join(bundleDir, f));
    h.update(`${f}\0${bytes.length}\0`);
    h.update(bytes);
  }
  return `b-${h.digest("hex").slice(0, 40)}`;
}
