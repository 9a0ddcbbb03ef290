import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  EVENT_STORE,
  EVENT_STORE_MIGRATIONS,
  PostgresEventStore,
  migrate,
  type EventStore,
} from '@registry/event-store';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';
import { PG_POOL } from './database.module';

/** Picks the event store adapter from EVENT_STORE (postgresql by default, or kurrentdb). */
async function createEventStore(config: RegistryConfig, pool: Pool): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    // Loaded lazily: the embedded default never needs the gRPC client.
    const { KurrentDbEventStore } = await import('@registry/event-store/kurrentdb');
    return KurrentDbEventStore.connect(config.kurrentDbConnectionString!);
  }
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  return new PostgresEventStore(pool);
}

@Global()
@Module({
  providers: [{ provide: EVENT_STORE, inject: [REGISTRY_CONFIG, PG_POOL], useFactory: createEventStore }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
