import { CommandHandler } from '@nestjs/cqrs';
import type { RegisterPermanentResidence } from '@registry/domain';
import { CitizenWrite, CitizenWriteHandler } from '../citizens/citizen-streams';

export class RegisterPermanentResidenceCommand extends CitizenWrite<RegisterPermanentResidence['data']> {}

/** Records a permanent residence; the rules are the domain's (register-residence.ts). */
@CommandHandler(RegisterPermanentResidenceCommand)
export class RegisterPermanentResidenceHandler extends CitizenWriteHandler<'RegisterPermanentResidence'> {
  protected readonly type = 'RegisterPermanentResidence';
}
