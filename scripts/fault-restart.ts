/**
 * The registry through PostgreSQL restarts: 8 officers register births while the server is
 * restarted 3 times (twice `pg_ctl restart -m fast`, once `-m immediate`, a crash), 1.5 s apart.
 * Runs on a cluster of its own (initdb in a temporary directory, its own port): never the shared
 * server. Prints the answers and checks what issue 10 asks; exits 1 if a check fails.
 *   npm run fault:restart
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { ensureDatabase } from '@registry/platform';
import { ApiProcess } from '../apps/registry-api/src/faults/test-support/api-process';
import { runUnderFaults, storeHolds } from '../apps/registry-api/src/faults/test-support/fault-run';
import { OwnCluster } from '../apps/registry-api/src/faults/test-support/own-cluster';

const RESTARTS: ('fast' | 'immediate')[] = ['fast', 'immediate', 'fast'];
const APART_MS = 1_500;

async function main(): Promise<void> {
  const cluster = await OwnCluster.create();
  let api: ApiProcess | undefined;
  try {
    await ensureDatabase(cluster.url);
    api = await ApiProcess.start(cluster.url);
    const restartTimes: number[] = [];
    const report = await runUnderFaults(api, {
      clients: 8,
      runId: `restart-${Date.now()}`,
      injectFaults: async () => {
        await sleep(APART_MS); // births on a healthy server first
        for (const mode of RESTARTS) {
          const started = Date.now();
          cluster.restart(mode);
          restartTimes.push(Date.now() - started);
          await sleep(APART_MS);
        }
      },
    });
    const pool = new Pool({ connectionString: cluster.url, max: 2 });
    const pins = [...report.acknowledged.values(), ...[...report.retried.values()].map((a) => a.pin!)];
    const held = await storeHolds(pool, pins, 30_000);
    await pool.end();

    console.log(
      `fault:restart: ${RESTARTS.length} PostgreSQL restarts (${RESTARTS.join(', ')}), ${APART_MS} ms apart, 8 clients`,
    );
    console.log(`restart took ms: ${restartTimes.join(', ')}`);
    console.log(`answers: ${report.answers} ${JSON.stringify(report.statusCounts)} (0 = no answer)`);
    console.log(
      `503 without Retry-After: ${report.unavailableWithoutRetryAfter}; other 5xx: ${report.otherServerErrors.length}`,
    );
    console.log(`first 201 after the last restart: ${report.recoveryMs} ms`);
    console.log(
      `unanswered keys retried: ${report.retried.size}, answered 201: ${[...report.retried.values()].filter((a) => a.status === 201).length}`,
    );
    const samePins = [...report.acknowledged].filter(([key, pin]) => report.resent.get(key) === pin).length;
    console.log(`acknowledged keys sent again: ${report.resent.size}, same PIN: ${samePins}`);
    console.log(`store: ${held.births} births for ${pins.length} distinct PINs, ${held.projected} in the read model`);
    console.log(`API process alive: ${report.apiAlive}`);
    const ok =
      report.apiAlive &&
      report.otherServerErrors.length === 0 &&
      report.unavailableWithoutRetryAfter === 0 &&
      report.recoveryMs < 10_000 &&
      [...report.retried.values()].every((a) => a.status === 201) &&
      samePins === report.resent.size &&
      new Set(pins).size === pins.length &&
      held.births === pins.length &&
      held.projected === pins.length;
    console.log(ok ? 'all checks passed' : 'CHECKS FAILED');
    if (!ok) process.exitCode = 1;
  } finally {
    await api?.stop();
    cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
