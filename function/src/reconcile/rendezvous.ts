/**
 * Batches the requests of a group of concurrent participants (syncUser calls of one chunk): requests wait
 * until every participant still running waits on one, then each queue is answered by one call for all of its
 * requests. Participants waiting on something else (an ORDS re-read after a lost race) hold the batch back,
 * so no participant waits for another that waits for it.
 */
export class Rendezvous {
  private active = 0;
  private waiting = 0;
  private busy = false;
  private readonly queues: { pending: { q: unknown; resolve: (a: unknown) => void; reject: (e: unknown) => void }[]; answer: (qs: unknown[]) => Promise<unknown[]> }[] = [];

  /** Runs `f` as a participant. */
  async join<T>(f: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await f();
    } finally {
      this.active--;
      this.kick();
    }
  }

  /** A batched request: `answer` gets every waiting request of this queue and answers them in order. */
  queue<Q, A>(answer: (qs: Q[]) => Promise<A[]>): (q: Q) => Promise<A> {
    const queue = { pending: [] as { q: unknown; resolve: (a: unknown) => void; reject: (e: unknown) => void }[], answer: answer as (qs: unknown[]) => Promise<unknown[]> };
    this.queues.push(queue);
    return (q) =>
      new Promise<A>((resolve, reject) => {
        queue.pending.push({ q, resolve: resolve as (a: unknown) => void, reject });
        this.waiting++;
        this.kick();
      });
  }

  private kick(): void {
    if (this.busy || this.waiting === 0 || this.waiting < this.active) return;
    this.busy = true;
    const rounds = this.queues.map(async (queue) => {
      const batch = queue.pending.splice(0);
      if (batch.length === 0) return;
      this.waiting -= batch.length;
      try {
        const answers = await queue.answer(batch.map((b) => b.q));
        batch.forEach((b, i) => b.resolve(answers[i]));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    });
    void Promise.all(rounds).then(() => {
      this.busy = false;
      this.kick();
    });
  }
}
