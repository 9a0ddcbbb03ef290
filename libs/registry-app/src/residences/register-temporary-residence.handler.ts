import { CommandHandler } from '@nestjs/cqrs';
import type { RegisterTemporaryResidence } from '@registry/domain';
import { CitizenWrite, CitizenWriteHandler } from '../citizens/citizen-streams';

export class RegisterTemporaryResidenceCommand extends CitizenWrite<RegisterTemporaryResidence['data']> {}

/** Records a temporary residence; the rules are the domain's (register-residence.ts). */
@CommandHandler(RegisterTemporaryResidenceCommand)
export class RegisterTemporaryResidenceHandler extends CitizenWriteHandler<'RegisterTemporaryResidence'> {
  protected readonly type = 'RegisterTemporaryResidence';
}
