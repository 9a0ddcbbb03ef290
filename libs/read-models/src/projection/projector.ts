import type { Pool } from 'pg';
import { tracedBatch, type EventStore, type RecordedEvent } from '@registry/event-store';
import { CheckpointMoved, ensureCheckpoints, readCheckpoints } from './checkpoints';
import { batchesOf } from './event-batches';
import { Leadership } from './leadership';
import { SubscriptionLoop } from './subscription-loop';
import { LIVE, type Projection } from './projection';
import { earliest, ProjectionWriter } from './projection-writer';

export interface ProjectorOptions {
  /** Events per transaction at most (catch-up); live events go as they come. */
  readonly batchSize: number;
  /** How long a live batch waits for more events after its first (0: none). */
  readonly lingerMs?: number;
  /** How long a standby waits before asking for the leadership again, and the pause after an error. */
  readonly retryMs: number;
  readonly onBatch?: (events: readonly RecordedEvent[]) => void;
  readonly onError?: (error: unknown) => void;
  readonly onLeadership?: (leading: boolean) => void;
}

export const PROJECTOR_LEADERSHIP = 'registry.read-model-projector';

/**
 * Keeps the live read models: subscribes to all events from the earliest checkpoint (gap-free,
 * through the event store port) and commits each batch with its checkpoints in one transaction.
 * When a checkpoint moved under it (a rebuild swapped tables in), it resubscribes from the
 * stored checkpoints.
 */
export class Projector extends SubscriptionLoop {
  private readonly writer: ProjectionWriter;
  /** Failures since the last committed batch: the pause before the next attempt grows with them. */
  private failures = 0;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly options: ProjectorOptions,
  ) {
    super();
    this.writer = new ProjectionWriter(projections, LIVE);
  }

  protected async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const leadership = await Leadership.tryAcquire(
          this.pool,
          PROJECTOR_LEADERSHIP,
          () => void this.subscription?.close(),
        );
        if (!leadership) {
          await this.pause(this.options.retryMs);
          continue;
        }
        this.options.onLeadership?.(true);
        await this.lead(leadership).finally(() => leadership.release());
        this.options.onLeadership?.(false);
      } catch (error) {
        // A lost database connection lands here: wait, doubling up to 8 x retryMs while it lasts.
        this.options.onError?.(error);
        await this.pause(this.options.retryMs * 2 ** Math.min(this.failures, 3));
        this.failures++;
      }
    }
  }

  private async lead(leadership: Leadership): Promise<void> {
    await ensureCheckpoints(this.pool, this.writer.keys);
    while (!this.stopped && leadership.held) {
      try {
        await this.follow(leadership);
      } catch (error) {
        if (error instanceof CheckpointMoved) continue;
        throw error;
      }
    }
  }

  private async follow(leadership: Leadership): Promise<void> {
    const positions = await readCheckpoints(this.pool, this.writer.keys);
    const subscription = this.store.subscribeToAll({ after: earliest(positions) });
    this.subscription = subscription;
    if (this.stopped) await subscription.close(); // stop() came while the checkpoints were read
    try {
      for await (const batch of batchesOf(subscription, this.options.batchSize, this.options.lingerMs)) {
        if (this.stopped || !leadership.held) break;
        // A span per batch, linked to the requests whose appends wrote its events.
        await tracedBatch('project events', batch, () => this.writer.commit(this.pool, batch, positions));
        this.failures = 0;
        this.options.onBatch?.(batch);
      }
    } finally {
      await subscription.close();
    }
  }
}
