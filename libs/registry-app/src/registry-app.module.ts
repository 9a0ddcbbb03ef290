import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RegisterBirthHandler } from './births/register-birth.handler';
import { ChangeCitizenRecordHandler } from './citizens/change-citizen-record.handler';
import { CitizenStreams } from './citizens/citizen-streams';
import { CitizenChain } from './citizens/citizen-chain';
import { CorrectRecordHandler } from './corrections/correct-record.handler';
import { ChildrenIndex } from './births/children-index';
import { AnnulDeathHandler } from './deaths/annul-death.handler';
import { MarriageStreams } from './marriages/marriage-streams';
import { MarriageProcess } from './marriages/marriage-process';
import {
  MARRIAGE_RECOVERY_SETTINGS,
  MarriageRecovery,
  marriageRecoverySettingsFrom,
} from './marriages/marriage-recovery';
import { FindMarriageHandler, RegisterDivorceHandler, RegisterMarriageHandler } from './marriages/marriage.handlers';

/** Command side of the registry. Needs an EVENT_STORE provider from the importing module. */
@Module({
  imports: [CqrsModule],
  providers: [
    CitizenStreams,
    CitizenChain,
    RegisterBirthHandler,
    ChangeCitizenRecordHandler,
    CorrectRecordHandler,
    ChildrenIndex,
    AnnulDeathHandler,
    MarriageStreams,
    MarriageProcess,
    MarriageRecovery,
    { provide: MARRIAGE_RECOVERY_SETTINGS, useFactory: () => marriageRecoverySettingsFrom(process.env) },
    RegisterMarriageHandler,
    RegisterDivorceHandler,
    FindMarriageHandler,
  ],
  exports: [CitizenStreams, CitizenChain, CqrsModule],
})
export class RegistryAppModule {}
