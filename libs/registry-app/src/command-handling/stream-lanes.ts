/**
 * Commands on one stream run one after another within this process: concurrent requests on one
 * citizen queue up instead of all reading the same revision and all but one losing the append.
 * Other processes (API replicas) still race; the handler's retry covers them.
 */
export class StreamLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(stream) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(stream, tail);
    // Forget the lane once nothing is queued behind this command, so the map does not grow.
    void tail.then(() => {
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    });
    return result;
  }
}
