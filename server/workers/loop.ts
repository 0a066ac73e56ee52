/**
 * A background worker's heartbeat: runs `round` every `pollMs`, at once again when a round says more
 * work is waiting, and after a failure backs off (doubling, up to `maxBackoffMs`). One round at a time;
 * `stop()` waits for the round in flight, so nothing is cut off half-way by a clean shutdown.
 */
import type { Logger } from "pino";

export interface LoopSettings {
  pollMs: number;
  maxBackoffMs: number;
}

export class WorkerLoop {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private running = false;
  private failures = 0;
  /** Work arrived while a round ran: the next round starts at once. */
  private wakeRequested = false;

  constructor(
    /** One unit of work; resolves with true when more is waiting right away. */
    private readonly work: () => Promise<boolean>,
    private readonly settings: LoopSettings,
    private readonly logger: Logger,
    /** What the log says when a round fails, e.g. "indexing round failed". */
    private readonly failureMessage: string,
    /** Turns an error into what is logged (e.g. a decoded contract error). */
    private readonly describe: (error: unknown) => unknown = (error) => error,
  ) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
  }

  /** New work waits: run a round at once (after the current one, if any; not while backing off). */
  wake(): void {
    if (!this.running || this.failures > 0) return;
    if (this.round === undefined) this.schedule(0);
    else this.wakeRequested = true;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeRequested = false;
      this.round ??= this.work()
        .then((more) => {
          this.failures = 0;
          this.schedule(more || this.wakeRequested ? 0 : this.settings.pollMs);
        })
        .catch((error: unknown) => {
          this.failures += 1;
          const backoff = Math.min(this.settings.maxBackoffMs, this.settings.pollMs * 2 ** this.failures);
          this.logger.warn({ err: this.describe(error), retryInMs: backoff }, this.failureMessage);
          this.schedule(backoff);
        })
        .finally(() => {
          this.round = undefined;
        });
    }, delayMs);
  }
}
