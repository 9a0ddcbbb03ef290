import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Sends bytes already built in full to a `COPY … FROM STDIN` and resolves once PostgreSQL has
 * taken them (the COPY stream's 'finish' follows the server's ReadyForQuery). One `end()` on the
 * stream, not `pipeline(Readable.from([bytes]), copy)`: that machinery (a Readable, an
 * AbortController, end-of-stream watchers) cost more than the write itself for the projector's
 * live batches of a few rows, four COPYs a batch (ADR 0158).
 */
export function copyIn(tx: PoolClient, sql: string, bytes: Uint8Array): Promise<void> {
  // Bytes from another thread arrive as a plain Uint8Array: the COPY stream wants a Buffer (no copy).
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Promise<void>((resolve, reject) => {
    const copy = tx.query(copyFrom(sql));
    copy.once('error', reject).once('finish', resolve);
    copy.end(buffer);
  });
}
