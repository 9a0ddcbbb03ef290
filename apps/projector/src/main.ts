import './tracing';
import { runWorker } from '@registry/platform';
import { ProjectorAppModule } from './projector-app.module';

/**
 * The projector as its own process (`npm run start:projector`): keeps the read models current
 * from the event store. Several may run; one leads, the others stand by. SIGTERM stops it after
 * the batch in flight; SIGKILL loses nothing either (each batch commits with its checkpoint).
 */
runWorker(ProjectorAppModule);
