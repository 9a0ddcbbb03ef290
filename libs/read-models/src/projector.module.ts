import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, formatPosition, type EventStore, type RecordedEvent } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { Projector } from './projection/projector';
import { ALL_PROJECTIONS } from './projection/projections';
import { projectorSettings, type ProjectorSettings } from './projection/projector-settings';
import { ReadModelsModule } from './read-models.module';

const REPORT_EVERY_MS = 10_000;

/** The projector inside a Nest app: starts once the app is up, stops before the pool closes. */
@Injectable()
export class LiveProjector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projector');
  private readonly settings: ProjectorSettings = projectorSettings(process.env);
  private readonly projector: Projector;
  private projected = 0;
  private lastReport = performance.now();

  constructor(@Inject(PG_POOL) pool: Pool, @Inject(EVENT_STORE) store: EventStore) {
    this.projector = new Projector(pool, store, ALL_PROJECTIONS, {
      batchSize: this.settings.batchSize,
      lingerMs: this.settings.lingerMs,
      retryMs: this.settings.retryMs,
      onBatch: (events) => this.progress(events),
      onError: (error) => this.logger.error({ err: error }, 'projection failed; retrying'),
      onLeadership: (leading) => this.logger.log(leading ? 'projecting (leader)' : 'leadership released'),
    });
  }

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.projector.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.projector.stop();
  }

  /** A line every few seconds while events flow: throughput and position, never personal data. */
  private progress(events: readonly RecordedEvent[]): void {
    this.projected += events.length;
    const elapsed = performance.now() - this.lastReport;
    if (elapsed < REPORT_EVERY_MS) return;
    const position = formatPosition(events[events.length - 1].position);
    this.logger.log(
      { events: this.projected, perSecond: Math.round(this.projected / (elapsed / 1000)), position },
      'projected',
    );
    this.projected = 0;
    this.lastReport = performance.now();
  }
}

/** Keeps the read models current; the projector app and the single-process default import it. */
@Module({ imports: [ReadModelsModule], providers: [LiveProjector], exports: [LiveProjector, ReadModelsModule] })
export class ProjectorModule {}
