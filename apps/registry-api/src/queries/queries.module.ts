import { Module } from '@nestjs/common';
import { RegistryAppModule } from '@registry/app';
import { ReadModelsModule } from '@registry/read-models';
import { CitizenAsOfReader } from './citizen-as-of.reader';
import { CitizenLookupController } from './citizen-lookup.controller';
import { CitizenSearchController } from './citizen-search.controller';
import { ProjectionsController } from './projections.controller';
import { ResidentsController } from './residents.controller';
import { StatisticsController } from './statistics.controller';

/**
 * The read side of the API, from the read models (the as-of read folds the streams). Exports
 * ReadModelsModule so the importing app can put ProjectorLag on /health.
 */
@Module({
  imports: [ReadModelsModule, RegistryAppModule],
  controllers: [
    CitizenLookupController,
    CitizenSearchController,
    ResidentsController,
    StatisticsController,
    ProjectionsController,
  ],
  providers: [CitizenAsOfReader],
  exports: [ReadModelsModule],
})
export class QueriesModule {}
