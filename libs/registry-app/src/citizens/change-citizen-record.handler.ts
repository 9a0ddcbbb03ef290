import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
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
  constructor(private readonly streams: CitizenStreams) {}

  execute({ pin, command, envelope, options }: ChangeCitizenRecordCommand): Promise<WriteResult> {
    return this.streams.execute(pin, command, envelope, options);
  }
}
