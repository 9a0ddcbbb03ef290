import { CommandHandler } from '@nestjs/cqrs';
import type { EndTemporaryResidence } from '@registry/domain';
import { CitizenWrite, CitizenWriteHandler } from '../citizens/citizen-streams';

export class EndTemporaryResidenceCommand extends CitizenWrite<EndTemporaryResidence['data']> {}

/** Ends a temporary residence before its registered end (NO_TEMPORARY_RESIDENCE without one). */
@CommandHandler(EndTemporaryResidenceCommand)
export class EndTemporaryResidenceHandler extends CitizenWriteHandler<'EndTemporaryResidence'> {
  protected readonly type = 'EndTemporaryResidence';
}
