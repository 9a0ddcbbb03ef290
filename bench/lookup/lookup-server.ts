import { createQueryApi } from '../../apps/registry-api/src/queries/test-support/query-api';

/**
 * The query API alone (no projector: the benchmark's read models are built beforehand);
 * AUDIT=off leaves out the audit of reads, for the comparison.
 */
async function main(): Promise<void> {
  const app = await createQueryApi({ projector: false, audit: process.env.AUDIT !== 'off' });
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
