import { Presets, SingleBar } from 'cli-progress';
import type { ImportProgress } from './legacy-import';

const LINE_EVERY_MS = 5000;

/**
 * The import's progress on stderr: on a terminal a bar per pass over the file (the share of its
 * bytes read) with rows/s and ETA; piped, a plain line every few seconds and at each phase.
 */
export class ImportProgressDisplay {
  private bar?: SingleBar;
  private phase = '';
  private phaseStarted = performance.now();
  private lastLine = 0;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(progress: ImportProgress): void {
    if (progress.phase !== this.phase) this.startPhase(progress);
    const seconds = (performance.now() - this.phaseStarted) / 1000;
    const rate = seconds > 0 ? Math.round(progress.rows / seconds) : 0;
    if (this.bar) {
      this.bar.update(progress.bytesRead, { rows: progress.rows, rate });
    } else if (performance.now() - this.lastLine > LINE_EVERY_MS || progress.bytesRead === progress.fileBytes) {
      const share = progress.fileBytes > 0 ? ` (${Math.floor((100 * progress.bytesRead) / progress.fileBytes)}%)` : '';
      this.out.write(`import ${progress.phase}: ${progress.rows} rows${share}, ${rate} rows/s\n`);
      this.lastLine = performance.now();
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private startPhase(progress: ImportProgress): void {
    this.stop();
    this.phase = progress.phase;
    this.phaseStarted = performance.now();
    this.lastLine = 0;
    if (!this.out.isTTY || progress.fileBytes === 0) {
      this.out.write(`import ${progress.phase}...\n`);
      return;
    }
    this.bar = new SingleBar(
      {
        format: `${progress.phase.padEnd(6)} |{bar}| {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}`,
        etaBuffer: 50,
        stream: this.out,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    this.bar.start(progress.fileBytes, 0, { rows: 0, rate: 0 });
  }
}
