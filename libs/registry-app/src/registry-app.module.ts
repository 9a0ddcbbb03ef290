import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RegisterBirthHandler } from './births/register-birth.handler';
import { ChangeCitizenRecordHandler } from './citizens/change-citizen-record.handler';
import { CitizenStreams } from './citizens/citizen-streams';

/** Command side of the registry. Needs an EVENT_STORE provider from the importing module. */
@Module({
  imports: [CqrsModule],
  providers: [CitizenStreams, RegisterBirthHandler, ChangeCitizenRecordHandler],
  exports: [CitizenStreams, CqrsModule],
})
export class RegistryAppModule {}
