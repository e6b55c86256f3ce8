/**
 * The code cache file (next to the script) for one of the bundle's scripts and the heap flags in these Node
 * options: `app.js.v8cache` without any, `reconcile.js.old64-semi1.v8cache` and so on. V8 rejects a cache
 * made under other heap flags, so the build makes one per script and flag set the stack deploys
 * (infra/config/heap-flags.ts) and launcher.ts picks its own. Other V8 flags are not looked at: V8 then
 * rejects the cache and the script compiles as usual.
 */
export function codeCacheName(script: string, nodeOptions: string): string {
  const value = (flag: string) => new RegExp(`(?:^|\\s)--${flag}[=\\s](\\d+)`).exec(nodeOptions)?.[1];
  const [old, semi] = [value("max-old-space-size"), value("max-semi-space-size")];
  const key = [old && `old${old}`, semi && `semi${semi}`].filter(Boolean).join("-");
  return key ? `${script}.${key}.v8cache` : `${script}.v8cache`;
}
