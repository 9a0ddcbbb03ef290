import { Presets, SingleBar } from 'cli-progress';
import type { RebuildProgress } from './read-model-rebuild';

const LOG_EVERY_MS = 5000;

/**
 * Shows a rebuild's progress: a bar with events/s and ETA on a terminal, a plain line every few
 * seconds otherwise (logs of a job runner). `total` is the store's size when the rebuild began;
 * events appended since push it up.
 */
export class RebuildProgressDisplay {
  private readonly started = performance.now();
  private readonly bar?: SingleBar;
  private lastLine = 0;
  private phase = '';

  constructor(
    private total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    if (!out.isTTY) return;
    this.bar = new SingleBar(
      {
        format: '{phase} |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}',
        etaBuffer: 50,
        stream: out,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    this.bar.start(total, 0, { phase: 'catch-up'.padEnd(8), rate: 0 });
  }

  update(progress: RebuildProgress): void {
    if (progress.processed > this.total) this.total = progress.processed;
    const rate = Math.round(progress.processed / ((performance.now() - this.started) / 1000));
    if (this.bar) {
      this.bar.setTotal(this.total);
      this.bar.update(progress.processed, { phase: progress.phase.padEnd(8), rate });
    } else if (progress.phase !== this.phase || performance.now() - this.lastLine > LOG_EVERY_MS) {
      this.out.write(`${progress.phase}: ${progress.processed}/${this.total} events, ${rate} events/s\n`);
      this.lastLine = performance.now();
    }
    this.phase = progress.phase;
  }

  stop(): void {
    this.bar?.stop();
  }
}
