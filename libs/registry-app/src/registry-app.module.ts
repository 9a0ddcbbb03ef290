import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventSourcedHandler } from './command-handling/event-sourced-handler';
import { ReestablishedPins } from './citizens/pin-reestablishments';
import { RegisterBirthHandler } from './births/register-birth.handler';
import { RegisterPermanentResidenceHandler } from './residences/register-permanent-residence.handler';
import { RegisterTemporaryResidenceHandler } from './residences/register-temporary-residence.handler';
import { CancelPermanentResidenceHandler } from './residences/cancel-permanent-residence.handler';
import { RegisterDeathHandler } from './deaths/register-death.handler';
import { ChangeNameHandler } from './name-changes/change-name.handler';
import { CorrectRecordHandler } from './corrections/correct-record.handler';
import { EndTemporaryResidenceHandler } from './residences/end-temporary-residence.handler';
import { ChildrenIndex } from './births/children-index';
import { AnnulDeathHandler } from './deaths/annul-death.handler';
import { MarriageProcess } from './marriages/marriage-process';
import {
  MARRIAGE_RECOVERY_SETTINGS,
  MarriageRecovery,
  marriageRecoverySettingsFrom,
} from './marriages/marriage-recovery';
import { FindMarriageHandler, RegisterDivorceHandler, RegisterMarriageHandler } from './marriages/marriage.handlers';

/** One handler per use case; a new life event adds its handler here. */
const USE_CASES = [
  RegisterBirthHandler,
  RegisterPermanentResidenceHandler,
  RegisterTemporaryResidenceHandler,
  CancelPermanentResidenceHandler,
  RegisterDeathHandler,
  ChangeNameHandler,
  CorrectRecordHandler,
  EndTemporaryResidenceHandler,
  AnnulDeathHandler,
  RegisterMarriageHandler,
  RegisterDivorceHandler,
  FindMarriageHandler,
];

/** Command side of the registry. Needs an EVENT_STORE provider from the importing module. */
@Module({
  imports: [CqrsModule],
  providers: [
    EventSourcedHandler,
    ReestablishedPins,
    ChildrenIndex,
    MarriageProcess,
    MarriageRecovery,
    { provide: MARRIAGE_RECOVERY_SETTINGS, useFactory: () => marriageRecoverySettingsFrom(process.env) },
    ...USE_CASES,
  ],
  exports: [EventSourcedHandler, ReestablishedPins, CqrsModule],
})
export class RegistryAppModule {}
