import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MarriageProcess } from '../marriages/marriage-process';
import type { CitizenCommand } from '@registry/domain';
import type { CommandEnvelope } from '../command-envelope';
import { CitizenStreams, type ExecuteOptions, type WriteResult } from './citizen-streams';

/**
 * Records a life event on an existing citizen (residence, cancellation, death...). The domain
 * command says which; the rules live in the domain's decider.
 */
export class ChangeCitizenRecordCommand {
  constructor(
    readonly pin: string,
    readonly command: Exclude<CitizenCommand, { type: 'RegisterBirth' }>,
    readonly envelope: CommandEnvelope,
    readonly options: ExecuteOptions = {},
  ) {}
}

@CommandHandler(ChangeCitizenRecordCommand)
export class ChangeCitizenRecordHandler implements ICommandHandler<ChangeCitizenRecordCommand, WriteResult> {
  private readonly logger = new Logger('ChangeCitizenRecord');

  constructor(
    private readonly streams: CitizenStreams,
    private readonly marriages: MarriageProcess,
  ) {}

  async execute({ pin, command, envelope, options }: ChangeCitizenRecordCommand): Promise<WriteResult> {
    const result = await this.streams.execute(pin, command, envelope, options);
    // The event is recorded; its consequence on a marriage is a step the recovery sweep resumes if this fails.
    await this.marriages.followCitizenEvents(result.events, envelope).catch((error: unknown) => {
      this.logger.error({ err: error, commandId: envelope.commandId }, 'marriage consequence not recorded yet');
    });
    return result;
  }
}
