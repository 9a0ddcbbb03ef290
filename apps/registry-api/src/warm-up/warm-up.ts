import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { citizenStream } from '@registry/domain';
import { EVENT_STORE, StreamNotFoundError, WrongExpectedRevisionError, type EventStore } from '@registry/event-store';
import { PG_POOL, REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';
import { CitizenRecords, SearchConnections } from '@registry/read-models';
import { AuditTrail } from '../audit/audit-trail';

/** A PIN no citizen has (province 000 does not exist): the warm-up reads change nothing. */
const NOBODY = '000000000000';
/**
 * A birth's append, refused: the stream is expected at a revision it cannot have (it does not
 * exist), so nothing is written, yet the statement and the append function are prepared.
 */
const REFUSED_APPEND = {
  eventId: '00000000-0000-4000-8000-000000000000',
  type: 'WarmUp',
  data: {},
  metadata: {},
} as const;
const logger = new Logger('WarmUp');

/**
 * Before the API listens: every connection of the pool is opened, and on each the hottest
 * statements are prepared (a lookup, the read of a stream, a birth's append), so the first requests
 * after a start neither wait for connections nor for PostgreSQL to parse and plan on a cold
 * backend. Nest runs this in app.init(), which app.listen() awaits (ADR 0031).
 */
@Injectable()
export class WarmUp implements OnApplicationBootstrap {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly records: CitizenRecords,
    private readonly searchConnections: SearchConnections,
    private readonly audit: AuditTrail,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const started = performance.now();
    try {
      // As many reads at once as the pool has connections: the pool opens all of them.
      const slots = Array.from({ length: this.config.databasePoolSize });
      await this.records.prepare(slots.length, NOBODY);
      await Promise.all(slots.map(() => this.store.readStream(citizenStream(NOBODY)).catch(notFound)));
      await Promise.all(slots.map(() => this.store.append(citizenStream(NOBODY), [REFUSED_APPEND], 0).catch(refused)));
      await this.audit.connect();
      await this.searchConnections.connect();
      logger.log(
        `${this.pool.totalCount} database connections ready in ${(performance.now() - started).toFixed(0)} ms`,
      );
    } catch (error) {
      // A slow start, never a failed one: the requests open what they need.
      logger.warn(`warm-up incomplete: ${(error as Error).message}`);
    }
  }
}

function refused(error: unknown): void {
  if (!(error instanceof WrongExpectedRevisionError)) throw error;
}

function notFound(error: unknown): void {
  if (!(error instanceof StreamNotFoundError)) throw error;
}
