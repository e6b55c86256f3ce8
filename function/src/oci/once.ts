/**
 * Runs fn once and shares its promise; a rejection is forgotten so that the next call tries again (a
 * transient failure while setting up must not poison the whole process).
 */
export function onceAsync<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn().catch((err: unknown) => {
      result = undefined;
      throw err;
    });
    return result;
  };
}
