import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool, QueryResultRow } from 'pg';
import { guardedPool } from '@registry/event-store';
import { REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';

const logger = new Logger('SearchConnections');

/**
 * The connections searches run their index ranges on (ADR 0075). A prepared search bound to a
 * name is planned again at every execution: with the actual text the planner expects one row,
 * so its custom plan always looks cheaper than the generic one, and planning (folding the name
 * twice through unaccent) cost more than the read itself. On these connections PostgreSQL plans
 * each prepared search once (`plan_cache_mode=force_generic_plan`); the plan is the same index
 * range either way. They are apart from the main pool because that setting holds for every
 * statement of a connection, and other reads (the trigram part of a search, the event store's
 * reads from a position) need plans made for their actual values.
 */
@Injectable()
export class SearchConnections implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    // A pg Pool opens no connection before its first query: processes that never search
    // (projector, relay) pay nothing for it.
    this.pool = guardedPool(
      {
        connectionString: config.databaseUrl,
        max: config.searchPoolSize,
        idleTimeoutMillis: config.databaseIdleTimeoutMs,
        options: '-c plan_cache_mode=force_generic_plan',
      },
      (message) => logger.warn(message),
    );
  }

  async query<Row extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<Row[]> {
    const { rows } = await this.pool.query<Row>({ name, text, values });
    return rows;
  }

  /** Opens every connection ahead of the first search (the API's warm-up, ADR 0031). */
  async connect(): Promise<void> {
    await Promise.all(Array.from({ length: this.pool.options.max }, () => this.pool.query('SELECT 1')));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
