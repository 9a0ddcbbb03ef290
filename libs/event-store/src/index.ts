export * from './event-store.port';
export * from './errors';
export * from './position';
export * from './validation';
export { PostgresEventStore } from './postgres/postgres-event-store';
export { eventsOfCopy, type EventsCopy } from './postgres/events-copy';
export {
  encodeNewStreams,
  streamTexts,
  type BulkOpenResult,
  type NewStreamText,
  type NewStreamTexts,
  type NewStreamsCopy,
} from './postgres/postgres-bulk-load';
export { CopyBinary } from './postgres/copy-binary';
export { migrate, locateMigrations, EVENT_STORE_MIGRATIONS, type MigrationSet } from './postgres/postgres-schema';
export { appendEachNewStream } from './new-streams';
export { guardedPool, guardPool, type ConnectionLossReport } from './postgres/guarded-pool';
export { inTransaction } from './postgres/in-transaction';
export { isConnectionLoss } from './postgres/connection-loss';
export { InMemoryEventStore } from './memory/in-memory-event-store';
export { copyText, COPY_NULL } from './postgres/copy-text';
export { copyIn } from './postgres/copy-in';
export { tracedBatch, linksToAppends, stampTraceContext } from './trace-context';
