import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { BirthLoad, registerBirth, retryUntilRegistered, type BirthAnswer } from './birth-load';
import type { ApiProcess } from './api-process';

export interface FaultRunReport {
  readonly answers: number;
  readonly statusCounts: Record<number, number>;
  /** 503 answers without a Retry-After header. */
  readonly unavailableWithoutRetryAfter: number;
  /** Codes of 5xx answers other than 503 SERVICE_UNAVAILABLE. */
  readonly otherServerErrors: string[];
  /** Milliseconds from the end of the last fault to the first new birth answered 201. */
  readonly recoveryMs: number;
  readonly acknowledged: Map<string, string>;
  /** Keys unanswered during the load, retried afterwards: key -> the retry's answer. */
  readonly retried: Map<string, BirthAnswer>;
  /** Acknowledged keys sent again: key -> the PIN of the second answer. */
  readonly resent: Map<string, string | undefined>;
  readonly apiAlive: boolean;
}

/**
 * Drives `clients` officers registering births while `injectFaults` cuts the database away, then
 * measures recovery and retries every key: what the fault tests and scripts/fault-restart assert.
 */
export async function runUnderFaults(
  api: ApiProcess,
  options: { clients: number; runId: string; injectFaults: () => Promise<void> },
): Promise<FaultRunReport> {
  const load = new BirthLoad(api, options.clients, options.runId);
  await options.injectFaults();
  const faultsEnded = Date.now();
  let recoveryMs = Number.POSITIVE_INFINITY;
  for (let probe = 0; Date.now() - faultsEnded < 30_000; probe++) {
    const answer = await registerBirth(api, api.token(), `${options.runId}-probe-${probe}`);
    load.answers.push(answer);
    if (answer.status === 201) {
      recoveryMs = Date.now() - faultsEnded;
      break;
    }
    await sleep(50);
  }
  await load.stop();

  const retried = new Map<string, BirthAnswer>();
  for (const key of load.unanswered()) retried.set(key, await retryUntilRegistered(api, key, 20_000));
  const acknowledged = load.acknowledged();
  const resent = new Map<string, string | undefined>();
  for (const key of acknowledged.keys()) resent.set(key, (await registerBirth(api, api.token(), key)).pin);

  const answers = load.answers;
  return {
    answers: answers.length,
    statusCounts: load.statusCounts(),
    unavailableWithoutRetryAfter: answers.filter((a) => a.status === 503 && !a.retryAfter).length,
    otherServerErrors: answers
      .filter((a) => a.status >= 500 && a.code !== 'SERVICE_UNAVAILABLE')
      .map((a) => `${a.status} ${a.code}`),
    recoveryMs,
    acknowledged,
    retried,
    resent,
    apiAlive: api.alive,
  };
}

/** Every PIN answered, in the event store once and in the read model (waiting for the projector). */
export async function storeHolds(
  pool: Pool,
  pins: readonly string[],
  timeoutMs: number,
): Promise<{ births: number; streams: number; projected: number }> {
  const streams = pins.map((pin) => `citizen-${pin}`);
  const births = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM es_events WHERE type = 'BirthRegistered' AND stream_id = ANY($1)",
    [streams],
  );
  const deadline = Date.now() + timeoutMs;
  let projected = 0;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM citizen_records WHERE pin = ANY($1)',
      [pins],
    );
    projected = rows[0].n;
    if (projected === pins.length || Date.now() > deadline) break;
    await sleep(100);
  }
  return { births: births.rows[0].n, streams: new Set(streams).size, projected };
}
