import { REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';
import { createRegistryApi } from './bootstrap';

/** The single-process default: the whole registry on PostgreSQL alone (`npm start`). */
async function main(): Promise<void> {
  const app = await createRegistryApi();
  const config = app.get<RegistryConfig>(REGISTRY_CONFIG);
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
