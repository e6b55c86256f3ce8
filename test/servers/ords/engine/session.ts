import { OraError } from "../sql/ora-error";

/** A row change a session can undo. */
export interface UndoEntry {
  undo(): void;
}

/** Thrown when a statement needs a row another session holds; the runner waits and re-runs the statement. */
export class LockWait {
  constructor(
    readonly holder: Session,
    readonly released: Promise<void>,
  ) {}
}

/**
 * One REST-enabled SQL request's database session: its open transaction (undo log, row locks) and what
 * it waits for. Oracle semantics modelled: row locks are held until COMMIT/ROLLBACK (DDL commits
 * implicitly), a writer waits for a row another session holds, a wait cycle is ORA-00060 for the waiter.
 */
export class Session {
  private static nextId = 1;
  readonly id = Session.nextId++;
  private readonly log: UndoEntry[] = [];
  /** Called once at commit/rollback: tables drop this session's row locks and wake waiters. */
  private readonly onEnd = new Set<() => void>();
  private waitingFor: Session | undefined;
  private epoch = 0;
  private endWaiters: Array<() => void> = [];

  record(entry: UndoEntry): void {
    this.log.push(entry);
  }

  /** Registers what to release when the transaction ends (a table's row locks of this session). */
  holds(release: () => void): void {
    this.onEnd.add(release);
  }

  /** A savepoint: where the undo log stood, in which transaction. */
  get mark(): { epoch: number; length: number } {
    return { epoch: this.epoch, length: this.log.length };
  }

  /** Undoes every change after `mark` that is not committed yet (atomicity of a failing PL/SQL block). */
  rollbackTo(mark: { epoch: number; length: number }): void {
    const keep = mark.epoch === this.epoch ? mark.length : 0;
    while (this.log.length > keep) (this.log.pop() as UndoEntry).undo();
  }

  commit(): void {
    this.log.length = 0;
    this.epoch++;
    this.end();
  }

  rollback(): void {
    this.rollbackTo({ epoch: this.epoch, length: 0 });
    this.epoch++;
    this.end();
  }

  get inTransaction(): boolean {
    return this.onEnd.size > 0;
  }

  /** A promise that settles when this session's transaction ends. */
  ended(): Promise<void> {
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Waits for `w`; ORA-00060 when the holder (transitively) waits for this session. */
  async wait(w: LockWait): Promise<void> {
    for (let s: Session | undefined = w.holder; s; s = s.waitingFor) {
      if (s === this) throw new OraError(60);
    }
    this.waitingFor = w.holder;
    try {
      await w.released;
    } finally {
      this.waitingFor = undefined;
    }
  }

  private end(): void {
    const releases = [...this.onEnd];
    this.onEnd.clear();
    for (const r of releases) r();
    const waiters = this.endWaiters;
    this.endWaiters = [];
    for (const w of waiters) w();
  }
}
