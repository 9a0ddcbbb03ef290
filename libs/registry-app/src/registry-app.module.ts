import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RegisterBirthHandler } from './births/register-birth.handler';
import { ChangeCitizenRecordHandler } from './citizens/change-citizen-record.handler';
import { CitizenStreams } from './citizens/citizen-streams';
import { CitizenChain } from './citizens/citizen-chain';
import { CorrectRecordHandler } from './corrections/correct-record.handler';

/** Command side of the registry. Needs an EVENT_STORE provider from the importing module. */
@Module({
  imports: [CqrsModule],
  providers: [CitizenStreams, CitizenChain, RegisterBirthHandler, ChangeCitizenRecordHandler, CorrectRecordHandler],
  exports: [CitizenStreams, CitizenChain, CqrsModule],
})
export class RegistryAppModule {}
