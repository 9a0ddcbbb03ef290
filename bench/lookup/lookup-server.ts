import { createQueryApi } from '../../apps/registry-api/src/queries/test-support/query-api';

/** The query API alone (no projector: the benchmark's read models are built beforehand). */
async function main(): Promise<void> {
  const app = await createQueryApi({ projector: false });
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
