import { Pool, type PoolConfig } from 'pg';

/** How a lost connection is reported (a logger's warn, or nothing). */
export type ConnectionLossReport = (message: string) => void;

/**
 * A pg Pool whose every connection survives being cut (server restart, failover,
 * pg_terminate_backend). pg emits 'error' on a client whose socket dies; with no listener, Node
 * raises it and stops the process. The pool listens only while a client is idle, so a client
 * checked out (a transaction, a LISTEN session, a leader's lock) would take the process down.
 * Here every client gets a listener for its whole life: the query in flight fails with the error
 * (callers answer 503 or retry), and the pool discards the broken client on release.
 */
export function guardedPool(config: PoolConfig, report: ConnectionLossReport = () => undefined): Pool {
  return guardPool(new Pool(config), report);
}

/** Adds the listeners of `guardedPool` to a pool made elsewhere. */
export function guardPool(pool: Pool, report: ConnectionLossReport = () => undefined): Pool {
  pool.on('error', (error) => report(`idle database connection lost: ${error.message}`));
  pool.on('connect', (client) => {
    client.on('error', (error) => report(`database connection lost: ${error.message}`));
  });
  return pool;
}
