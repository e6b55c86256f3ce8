/**
 * The V8 heap flags each function shape is deployed with (infra sets them as NODE_OPTIONS in the function
 * config), and the name of the code cache built for them. V8 rejects a code cache made under other V8 flags,
 * heap sizes included, so the build makes one cache per flag set the stack can deploy (launcher.ts picks it).
 */

/** The memory shapes (MB) an OCI function can have. */
export const FUNCTION_MEMORY_MB = [128, 256, 512, 1024, 2048, 3072] as const;

/**
 * V8 sizes its heap from the host's memory, not the container's, and lets garbage pile up past a 128 MB shape
 * (bench: 173 MiB peak uncapped, 117 MiB with these flags at 128 MB). Half the shape for the old space leaves
 * room for the node binary, buffers and the young generation.
 */
export function nodeOptionsFor(memoryMb: number): string {
  return `--max-old-space-size=${Math.floor(memoryMb / 2)} --max-semi-space-size=${memoryMb <= 256 ? 1 : 4}`;
}

/**
 * The code cache file (next to app.js) for the heap flags in these Node options: `app.js.v8cache` without
 * any, `app.js.old64-semi1.v8cache` and so on. Other V8 flags are not looked at: V8 then rejects the cache
 * and app.js compiles as usual.
 */
export function codeCacheName(nodeOptions: string): string {
  const value = (flag: string) => new RegExp(`(?:^|\\s)--${flag}[=\\s](\\d+)`).exec(nodeOptions)?.[1];
  const [old, semi] = [value("max-old-space-size"), value("max-semi-space-size")];
  const key = [old && `old${old}`, semi && `semi${semi}`].filter(Boolean).join("-");
  return key ? `app.js.${key}.v8cache` : "app.js.v8cache";
}

/** Every Node options string a cache is built for: none (local runs) and each shape's. */
export const CACHED_NODE_OPTIONS: readonly string[] = ["", ...new Set(FUNCTION_MEMORY_MB.map(nodeOptionsFor))];
