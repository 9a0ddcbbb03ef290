import type { Pool } from 'pg';

/**
 * Waits until PostgreSQL's clock, which stamps `recorded_at`, has moved into a later millisecond
 * than at the call; returns the instant of the call. What was appended before the call is
 * recorded at or before that millisecond, what is appended after it strictly later: tests of
 * recorded time (knownAt, as-of reads) get distinct instants at the millisecond precision
 * recordedAt is read back with. A condition polled on the clock that matters, not a sleep
 * guessing how long a millisecond takes on a loaded machine.
 */
export async function nextRecordedMillisecond(pool: Pick<Pool, 'query'>): Promise<Date> {
  const {
    rows: [{ at }],
  } = await pool.query<{ at: Date }>('SELECT clock_timestamp() AS at');
  for (;;) {
    const {
      rows: [{ passed }],
    } = await pool.query<{ passed: boolean }>(
      `SELECT date_trunc('milliseconds', clock_timestamp()) > date_trunc('milliseconds', $1::timestamptz) AS passed`,
      [at],
    );
    if (passed) return at;
  }
}
