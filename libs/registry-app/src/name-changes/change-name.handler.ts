import { CommandHandler } from '@nestjs/cqrs';
import type { ChangeName } from '@registry/domain';
import { CitizenWrite, CitizenWriteHandler } from '../citizens/citizen-streams';

export class ChangeNameCommand extends CitizenWrite<ChangeName['data']> {}

/** Records a name change (a new fact from its date; a correction says the old name was wrong all along); the rules are the domain's (change-name.ts). */
@CommandHandler(ChangeNameCommand)
export class ChangeNameHandler extends CitizenWriteHandler<'ChangeName'> {
  protected readonly type = 'ChangeName';
}
