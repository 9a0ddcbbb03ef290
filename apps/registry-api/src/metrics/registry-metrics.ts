import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EVENT_STORE, parsePosition, PostgresEventStore, type EventStore } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { EventBacklog, ProjectorLag } from '@registry/read-models';

const PREFIX = 'registry_';

/**
 * The registry's Prometheus metrics (prom-client), one registry per application. Request
 * metrics are observed as requests end; the rest is read from the database when scraped, so
 * they hold across processes (an import or a relay running elsewhere shows too).
 */
@Injectable()
export class RegistryMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route' | 'status'>;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: ProjectorLag,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.requests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP request latency by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.storeMetrics(registers);
    this.lagMetrics(registers);
    this.poolMetrics(registers);
    this.importMetrics(registers);
  }

  /** Events appended to the store (all processes): `rate()` of it is the append rate. */
  private storeMetrics(registers: Registry[]): void {
    const position = () => this.storePosition();
    let last = 0;
    new Counter({
      name: `${PREFIX}events_appended_total`,
      help: 'Events appended to the event store (PostgreSQL: its global position; rate() gives appends/s)',
      registers,
      async collect() {
        const now = await position();
        if (now > last) this.inc(now - last);
        last = Math.max(now, last);
      },
    });
  }

  private async storePosition(): Promise<number> {
    if (!(this.store instanceof PostgresEventStore)) return 0;
    const { rows } = await this.pool.query<{ position: string | null }>(
      `SELECT pg_sequence_last_value(pg_get_serial_sequence('es_events', 'global_position')::regclass) AS position`,
    );
    return Number(rows[0]?.position ?? 0);
  }

  private lagMetrics(registers: Registry[]): void {
    const { projector, pool } = this;
    const backlog = new EventBacklog(this.store);
    new Gauge({
      name: `${PREFIX}projector_lag_events`,
      help: 'Events in the store not yet projected into the read model furthest behind',
      registers,
      async collect() {
        this.set((await projector.lag()).events);
      },
    });
    new Gauge({
      name: `${PREFIX}projector_lag_seconds`,
      help: 'How long the oldest event not yet projected has waited',
      registers,
      async collect() {
        this.set((await projector.lag()).seconds);
      },
    });
    new Gauge({
      name: `${PREFIX}relay_lag_events`,
      help: 'Events after the checkpoint of each relay topic (an upper bound for agency topics, which filter)',
      labelNames: ['relay', 'topic'],
      registers,
      async collect() {
        this.reset();
        const { rows } = await pool
          .query<{ relay: string; topic: string; position: string }>(
            'SELECT relay, topic, position FROM change_feed_checkpoints',
          )
          .catch(() => ({ rows: [] })); // no relay has run on this database
        for (const row of rows) {
          this.set({ relay: row.relay, topic: row.topic }, await backlog.count(parsePosition(row.position)));
        }
      },
    });
  }

  private poolMetrics(registers: Registry[]): void {
    const { pool } = this;
    new Gauge({
      name: `${PREFIX}db_pool_connections`,
      help: "This process's PostgreSQL pool: connections by state, and requests waiting for one",
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  /** Imports of the legacy register under way (npm run import, another process) and the last one done. */
  private importMetrics(registers: Registry[]): void {
    const { pool } = this;
    new Gauge({
      name: `${PREFIX}import_rows`,
      help: 'Legacy import progress by run: rows checked, appended (checkpoint), imported, rejected and in the file',
      labelNames: ['run', 'phase', 'kind'],
      registers,
      async collect() {
        this.reset();
        const { rows } = await pool
          .query<
            Record<'run_id' | 'phase' | 'checked' | 'appended' | 'imported' | 'rejected' | 'total', string | null>
          >(
            `SELECT run_id, phase, checked_through AS checked, appended_through AS appended, rows_imported AS imported,
                    rows_rejected AS rejected, rows_total AS total
               FROM import_runs
              WHERE phase NOT IN ('done', 'abandoned') OR run_id = (SELECT max(run_id) FROM import_runs WHERE phase = 'done')`,
          )
          .catch(() => ({ rows: [] })); // no import has run on this database
        for (const row of rows) {
          for (const kind of ['checked', 'appended', 'imported', 'rejected', 'total'] as const) {
            if (row[kind] !== null) this.set({ run: row.run_id!, phase: row.phase!, kind }, Number(row[kind]));
          }
        }
      },
    });
  }
}
