/**
 * A worker thread of the import (LegacyEncoders): reads batches of the export and builds what
 * PostgreSQL is to ingest, as COPY bytes handed back without a copy: the rows' verdicts (check)
 * or the accepted rows' streams (append). Meanwhile the main thread only cuts batches and
 * streams bytes to PostgreSQL.
 */
import { parentPort, workerData } from 'node:worker_threads';
// Modules, not the libs' indexes: a worker loads only what it runs.
import { NewStreamsEncoder } from '@registry/event-store/postgres/postgres-bulk-load';
import { encodedStreams, stagedRowsCopy } from './legacy-batch';
import { LegacyEvents } from './legacy-event';
import type { EncoderJob, EncoderResult, EncoderSettings } from './legacy-encoders';

const { file, today } = workerData as EncoderSettings;
const events = new LegacyEvents(file);
const encoder = new NewStreamsEncoder(10_000);

function run(job: EncoderJob): EncoderResult {
  if (job.kind === 'check') {
    const { count, copy } = stagedRowsCopy(job.runId, job.batch, job.after, today);
    return { id: job.id, kind: 'check', count, copy };
  }
  const encoded = encodedStreams(job.batch, new Set(job.skip), events, today, encoder);
  return { id: job.id, kind: 'append', count: encoded?.count ?? 0, encoded };
}

parentPort!.on('message', (job: EncoderJob) => {
  let result: EncoderResult;
  try {
    result = run(job);
  } catch (error) {
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    parentPort!.postMessage({ id: job.id, kind: 'error', message, stack } satisfies EncoderResult);
    return;
  }
  const bytes =
    result.kind === 'check'
      ? [result.copy]
      : result.kind === 'append' && result.encoded
        ? [result.encoded.streams, result.encoded.events]
        : [];
  parentPort!.postMessage(
    result,
    bytes.map((b) => b.buffer as ArrayBuffer),
  );
});
