import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  comparePositions,
  EVENT_STORE,
  StreamNotFoundError,
  type EventFilter,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@registry/event-store';
import { randomUUID } from 'node:crypto';
import { RegistryError, type CitizenContinued, type DeathAnnulled, type MarriageEndedByDeath } from '@registry/domain';
import { WriteContention } from '../errors';
import { MarriageProcess } from './marriage-process';
import { envelopeOfEvent } from './marriage-streams';

/**
 * The two passes of a sweep, each with the stream keeping its checkpoint: every event before it
 * is settled on every stream. (A filter with both prefixes and types selects events matching
 * both, so the marriages' own streams and the citizen events that touch a marriage are read apart.)
 */
const PASSES: ReadonlyArray<{ readonly checkpoint: string; readonly filter: EventFilter }> = [
  { checkpoint: 'recovery-marriages', filter: { streamPrefixes: ['marriage-'] } },
  { checkpoint: 'recovery-marriage-deaths', filter: { eventTypes: ['MarriageEndedByDeath', 'DeathAnnulled'] } },
  // A pass of its own (from the log's start): a married citizen's re-established PIN reaches the spouse.
  { checkpoint: 'recovery-marriage-pins', filter: { eventTypes: ['CitizenContinued'] } },
];
const PAGE = 500;
const CHECKPOINT_STREAMS = new Set(PASSES.map((pass) => pass.checkpoint));
/** Checkpoint events a pass looks past for another event (ADR 0140): room for many sweeping processes. */
const CHECKPOINTS_LOOKED_PAST = 100;

export interface MarriageRecoverySettings {
  /** Off: no sweep in this process (another one runs it). */
  readonly enabled: boolean;
  /** A step younger than this may still be running in another process: left for the next sweep. */
  readonly graceMs: number;
  /** Pause between sweeps. */
  readonly intervalMs: number;
}

export const MARRIAGE_RECOVERY_SETTINGS = Symbol('MARRIAGE_RECOVERY_SETTINGS');

export function marriageRecoverySettingsFrom(env: NodeJS.ProcessEnv): MarriageRecoverySettings {
  return {
    enabled: env.MARRIAGE_RECOVERY !== 'off',
    graceMs: Number(env.MARRIAGE_RECOVERY_GRACE_MS ?? 30_000),
    intervalMs: Number(env.MARRIAGE_RECOVERY_INTERVAL_MS ?? 60_000),
  };
}

/**
 * Finishes the marriage steps a crash interrupted (ADR 0018): from its checkpoint, reads the
 * marriages' own streams and the citizen events that touch a marriage (a death, an annulled
 * death) in log order, and resumes each through the same idempotent steps a request runs. The
 * checkpoint only moves past events whose steps are all done, so nothing is skipped.
 */
@Injectable()
export class MarriageRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MarriageRecovery');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly process: MarriageProcess,
    @Inject(MARRIAGE_RECOVERY_SETTINGS) private readonly settings: MarriageRecoverySettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    const loop = () => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ err: error }, 'marriage recovery sweep failed'))
        .finally(() => {
          this.timer = setTimeout(loop, this.settings.intervalMs);
          this.timer.unref();
        });
    };
    loop();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** From the checkpoints to the end of the log; resolves with the number of events settled. */
  async sweep(now = new Date()): Promise<number> {
    let settled = 0;
    for (const pass of PASSES) settled += await this.pass(pass.checkpoint, pass.filter, now);
    return settled;
  }

  private async pass(checkpointStream: string, filter: EventFilter, now: Date): Promise<number> {
    const start = await this.checkpoint(checkpointStream);
    // Taken before the read: every event up to it is among those the read below goes through.
    const head = await this.store.headPosition();
    let cursor = start;
    let settledUpTo = start;
    let blocked = false;
    let resumed = 0;
    for (;;) {
      const page = await this.store.readAll({
        after: cursor,
        maxCount: PAGE,
        filter,
      });
      for (const event of page) {
        const settled = await this.resume(event, now);
        if (settled) resumed++;
        blocked ||= !settled; // the checkpoint stays before the first event to revisit
        if (!blocked) settledUpTo = event.position;
      }
      if (page.length < PAGE) break;
      cursor = page[page.length - 1].position;
    }
    // Nothing left to revisit: the checkpoint moves to the head even past events the filter did not
    // match. Else a log without marriages was read from its start at every sweep, three passes a
    // minute: 0.4 s of a database core a pass at 340,000 events, a core's worth at 10 million.
    const behindHead = head && (!settledUpTo || comparePositions(head, settledUpTo) > 0);
    if (!blocked && behindHead && (await this.loggedSince(settledUpTo))) settledUpTo = head;
    const moved = settledUpTo && (!start || comparePositions(settledUpTo, start) > 0);
    if (moved) await this.save(checkpointStream, settledUpTo!);
    return resumed;
  }

  /**
   * Whether anything but the sweeps' own checkpoints was written after `position`: else moving to
   * the head would write a checkpoint a pass for the checkpoints alone, every sweep of an idle
   * registry. The first events after it are enough: checkpoints come three a sweep and a process,
   * so a page of them holds many processes' sweeps before any other event.
   */
  private async loggedSince(position: Position | undefined): Promise<boolean> {
    const next = await this.store.readAll({
      after: position,
      maxCount: CHECKPOINTS_LOOKED_PAST,
      withoutMetadata: true,
    });
    return next.some((event) => !CHECKPOINT_STREAMS.has(event.streamId));
  }

  /** True when the event's steps are all done (or had nothing to do); false to revisit it. */
  private async resume(event: RecordedEvent, now: Date): Promise<boolean> {
    if (now.getTime() - event.recordedAt.getTime() < this.settings.graceMs) return false;
    const base = envelopeOfEvent(event, now);
    try {
      if (event.streamId.startsWith('marriage-')) {
        await this.process.drive(String(event.data.marriageId), now);
        return true;
      }
      if (event.type === 'MarriageEndedByDeath') {
        const data = event.data as unknown as MarriageEndedByDeath['data'];
        if (data.deceasedPin === data.pin) await this.process.endByDeath(event.eventId, data, base);
      }
      if (event.type === 'DeathAnnulled') {
        await this.process.reinstate(event.eventId, event.data as unknown as DeathAnnulled['data'], base);
      }
      if (event.type === 'CitizenContinued') {
        const data = event.data as unknown as CitizenContinued['data'];
        await this.process.followReestablishedPin(event.eventId, data, base);
      }
      return true;
    } catch (error) {
      // A refusal is an outcome, recorded as such; contention and lost connections are not.
      if (error instanceof RegistryError && !(error instanceof WriteContention)) return true;
      this.logger.warn({ err: error, eventId: event.eventId }, 'marriage step not resumed yet');
      return false;
    }
  }

  private async checkpoint(stream: string): Promise<Position | undefined> {
    try {
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      const { commit, prepare } = last.data as { commit: string; prepare: string };
      return { commit: BigInt(commit), prepare: BigInt(prepare) };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  private async save(stream: string, position: Position): Promise<void> {
    const data = { commit: position.commit.toString(), prepare: position.prepare.toString() };
    await this.store.append(
      stream,
      [{ eventId: randomUUID(), type: 'MarriageRecoveryCheckpoint', data, metadata: {} }],
      'any',
    );
  }
}
