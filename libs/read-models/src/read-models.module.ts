import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';
import { CitizenRecords } from './citizens/citizen-records.query';
import { CitizenSearch } from './citizens/citizen-search.query';
import { SearchConnections } from './citizens/search-connections';
import { PinReplacements } from './citizens/pin-replacements';
import { ProjectorLag } from './lag/projector-lag';
import { PopulationStatistics } from './residences/population.query';
import { Residents } from './residences/residents.query';
import { migrateReadModels } from './schema/read-model-schema';
import { VitalStatistics } from './statistics/vital-statistics.query';

const QUERIES = [
  CitizenRecords,
  PinReplacements,
  CitizenSearch,
  Residents,
  PopulationStatistics,
  VitalStatistics,
  ProjectorLag,
];

/**
 * The read side: the read-model schema (migrated on start) and its queries. Needs PG_POOL and
 * EVENT_STORE from the platform modules of the importing app.
 */
@Module({ providers: [SearchConnections, ...QUERIES], exports: [SearchConnections, ...QUERIES] })
export class ReadModelsModule implements OnModuleInit {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onModuleInit(): Promise<void> {
    await migrateReadModels(this.pool);
  }
}
