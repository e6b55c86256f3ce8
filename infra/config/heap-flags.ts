/**
 * The V8 heap flags each function shape is deployed with: the stack sets them as NODE_OPTIONS in the function
 * config. The function's build reads them from here too, because V8 rejects a code cache made under other
 * heap flags: it makes one cache per flag set the stack can deploy (function/build/code-cache-name.ts).
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

/** Every Node options string a code cache is built for: none (local runs) and each shape's. */
export const CACHED_NODE_OPTIONS: readonly string[] = ["", ...new Set(FUNCTION_MEMORY_MB.map(nodeOptionsFor))];
