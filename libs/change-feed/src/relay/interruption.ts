/** Why a relay term ends early: stop() (a normal end), or a failure such as lost leadership. */
export type Interrupt = { readonly stop: true } | { readonly error: Error };

/**
 * Ends the relay's long waits (Kafka acknowledgements, the next events) early, for stop() or a
 * lost leadership. Each wait registers and unregisters its own listener: racing against one
 * never-settling promise instead would keep a reaction per wait for the life of the process.
 */
export class Interruption {
  private readonly listeners = new Set<(interrupt: Interrupt) => void>();
  private happened: Interrupt | null = null;

  get interrupted(): Interrupt | null {
    return this.happened;
  }

  interrupt(interrupt: Interrupt): void {
    if (this.happened) return;
    this.happened = interrupt;
    for (const listener of [...this.listeners]) listener(interrupt);
    this.listeners.clear();
  }

  /** The work's value, or null once stopped; rejects with the work's failure or the interrupting error. */
  race<T>(work: Promise<T>): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const end = (interrupt: Interrupt) => {
        work.catch(() => undefined); // abandoned: its failure no longer matters
        if ('stop' in interrupt) resolve(null);
        else reject(interrupt.error);
      };
      if (this.happened) return end(this.happened);
      this.listeners.add(end);
      work.then(
        (value) => {
          this.listeners.delete(end);
          resolve(value);
        },
        (error: unknown) => {
          this.listeners.delete(end);
          reject(error);
        },
      );
    });
  }
}
