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
 *
 * The young generation is where a reconciliation's garbage dies (about 11 KB per user, nearly none of it
 * live at the next scavenge), so its size sets how often V8 scavenges: at 100k users in a 256 MB function,
 * 8 MB semi-spaces took a fifth off the run's CPU against 1 MB, for about 10 MB more peak RSS. A 128 MB
 * function (events only) keeps 1 MB: a warm event's overhead did not change with 2 or 4 MB, its RSS would.
 */
export function nodeOptionsFor(memoryMb: number): string {
  return `--max-old-space-size=${Math.floor(memoryMb / 2)} --max-semi-space-size=${semiSpaceMb(memoryMb)}`;
}

function semiSpaceMb(memoryMb: number): number {
  if (memoryMb <= 128) return 1;
  return memoryMb <= 256 ? 8 : 16;
}

/** Every Node options string a code cache is built for: none (local runs) and each shape's. */
export const CACHED_NODE_OPTIONS: readonly string[] = ["", ...new Set(FUNCTION_MEMORY_MB.map(nodeOptionsFor))];
