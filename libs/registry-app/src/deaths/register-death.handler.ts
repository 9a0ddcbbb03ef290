import { CommandHandler } from '@nestjs/cqrs';
import type { RegisterDeath } from '@registry/domain';
import { CitizenWrite, CitizenWriteHandler } from '../citizens/citizen-streams';

export class RegisterDeathCommand extends CitizenWrite<RegisterDeath['data']> {}

/** Records a death; the rules are the domain's (register-death.ts). */
@CommandHandler(RegisterDeathCommand)
export class RegisterDeathHandler extends CitizenWriteHandler<'RegisterDeath'> {
  protected readonly type = 'RegisterDeath';
}
