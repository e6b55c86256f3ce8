/** One key of the merge: the IAM side, the database side, or both. */
export interface Merged<A, B> {
  key: string;
  a?: A;
  b?: B;
}

/** Reads an async stream of pages one item at a time; only moving to the next page awaits. */
class Cursor<T> {
  private page: T[] = [];
  private i = 0;
  private done = false;
  constructor(private readonly pages: AsyncIterator<T[]>) {}

  /** The next item is at hand, or the stream is over: peek() answers without reading. */
  get ready(): boolean {
    return this.done || this.i < this.page.length;
  }

  /** Reads pages until one has an item or the stream ends. */
  async fill(): Promise<void> {
    while (!this.ready) {
      // The page is used up: let it go while the next one is read (a registry page holds 10,000 accounts).
      this.page = [];
      this.i = 0;
      const next = await this.pages.next();
      if (next.done) this.done = true;
      else {
        this.page = next.value;
        this.i = 0;
      }
    }
  }

  peek(): T | undefined {
    return this.i < this.page.length ? this.page[this.i] : undefined;
  }

  take(): void {
    this.i++;
  }
}

/**
 * Merges two streams of pages, each in ascending key order (each stream checks its own order), into chunks of
 * up to `chunk` keys: memory holds a page of each side and one chunk, never either side whole.
 */
export async function* mergeByKey<A, B>(
  as: AsyncIterable<A[]>,
  bs: AsyncIterable<B[]>,
  keyA: (a: A) => string,
  keyB: (b: B) => string,
  chunk: number,
): AsyncGenerator<Merged<A, B>[]> {
  const ca = new Cursor(as[Symbol.asyncIterator]());
  const cb = new Cursor(bs[Symbol.asyncIterator]());
  let out: Merged<A, B>[] = [];
  for (;;) {
    // Awaiting per key was most of the merge's cost: only a page boundary waits (both sides at once).
    if (!ca.ready || !cb.ready) await Promise.all([ca.fill(), cb.fill()]);
    const a = ca.peek();
    const b = cb.peek();
    if (a === undefined && b === undefined) break;
    const ka = a === undefined ? undefined : keyA(a);
    const kb = b === undefined ? undefined : keyB(b);
    if (kb === undefined || (ka !== undefined && ka < kb)) {
      out.push({ key: ka as string, a });
      ca.take();
    } else if (ka === undefined || kb < ka) {
      out.push({ key: kb, b });
      cb.take();
    } else {
      out.push({ key: ka, a, b });
      ca.take();
      cb.take();
    }
    if (out.length >= chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
