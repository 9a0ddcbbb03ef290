import { CommandHandler } from '@nestjs/cqrs';
import type { CancelPermanentResidence } from '@registry/domain';
import { CitizenWrite, CitizenWriteHandler } from '../citizens/citizen-streams';

export class CancelPermanentResidenceCommand extends CitizenWrite<CancelPermanentResidence['data']> {}

/** Records the cancellation of a permanent residence; the rules are the domain's (cancel-permanent-residence.ts). */
@CommandHandler(CancelPermanentResidenceCommand)
export class CancelPermanentResidenceHandler extends CitizenWriteHandler<'CancelPermanentResidence'> {
  protected readonly type = 'CancelPermanentResidence';
}
