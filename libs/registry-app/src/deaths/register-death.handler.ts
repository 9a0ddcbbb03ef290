import { Logger } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import type { CitizenEvent, RegisterDeath } from '@registry/domain';
import { EventSourcedHandler, type WriteResult } from '../command-handling/event-sourced-handler';
import { CitizenWrite, CitizenWriteHandler } from '../citizens/citizen-streams';
import { MarriageProcess } from '../marriages/marriage-process';

export class RegisterDeathCommand extends CitizenWrite<RegisterDeath['data']> {}

/**
 * Records a death; the rules are the domain's (register-death.ts). A death ends the marriage:
 * the marriage's stream and the survivor's follow, a step the recovery sweep resumes if this fails.
 */
@CommandHandler(RegisterDeathCommand)
export class RegisterDeathHandler extends CitizenWriteHandler<'RegisterDeath'> {
  protected readonly type = 'RegisterDeath';
  private readonly logger = new Logger('RegisterDeath');

  constructor(
    streams: EventSourcedHandler,
    private readonly marriages: MarriageProcess,
  ) {
    super(streams);
  }

  override async execute(write: RegisterDeathCommand): Promise<WriteResult<CitizenEvent>> {
    const result = await super.execute(write);
    await this.marriages.followCitizenEvents(result.events, write.envelope).catch((error: unknown) => {
      this.logger.error({ err: error, commandId: write.envelope.commandId }, 'marriage end not recorded yet');
    });
    return result;
  }
}
