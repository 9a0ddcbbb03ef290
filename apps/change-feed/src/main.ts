import './tracing';
import { readChangeFeedConfig } from '@registry/change-feed';
import { runWorker } from '@registry/platform';
import { ChangeFeedAppModule } from './change-feed-app.module';

/**
 * The change feeds as their own process (`npm run start:change-feed`), for deployments that
 * scale it apart from the API (which then runs with CHANGE_FEED_RELAY=off). Stops on SIGTERM
 * after the batch in flight; a SIGKILL at any point loses nothing (at least once, DESIGN §6).
 */
if (!readChangeFeedConfig().brokers) {
  console.error('apps/change-feed relays to Kafka: set KAFKA_BROKERS (host:port,...)');
  process.exit(2);
}
runWorker(ChangeFeedAppModule);
