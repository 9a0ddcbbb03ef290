import './tracing';
import { runWorker } from '@registry/platform';
import { ProcedureRunnerAppModule } from './procedure-runner-app.module';

/**
 * The linked procedures as their own process (`npm run start:procedures`), beside API replicas
 * started with PROCEDURES=off. Several may run; one leads. A SIGKILL at any point loses nothing
 * and doubles no effect: every step is idempotent and its state is in the procedure's stream.
 */
runWorker(ProcedureRunnerAppModule);
