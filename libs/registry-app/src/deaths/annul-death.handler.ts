import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AnnulDeath } from '@registry/domain';
import type { CommandEnvelope } from '../command-envelope';
import { CitizenStreams, type ExecuteOptions, type WriteResult } from '../citizens/citizen-streams';
import { MarriageProcess } from '../marriages/marriage-process';

export class AnnulDeathCommand {
  constructor(
    readonly pin: string,
    readonly annulment: Omit<AnnulDeath['data'], 'survivor'>,
    readonly envelope: CommandEnvelope,
    readonly options: ExecuteOptions = {},
  ) {}
}

/**
 * A death registered in error is annulled on the citizen's stream; the marriage it ended is
 * reinstated (its stream, then the surviving spouse's), unless the survivor has married since.
 */
@CommandHandler(AnnulDeathCommand)
export class AnnulDeathHandler implements ICommandHandler<AnnulDeathCommand, WriteResult> {
  constructor(
    private readonly streams: CitizenStreams,
    private readonly marriages: MarriageProcess,
  ) {}

  async execute({ pin, annulment, envelope, options }: AnnulDeathCommand): Promise<WriteResult> {
    const ended = (await this.streams.load(pin)).state?.endedByDeath?.marriage;
    const survivor = ended ? (await this.streams.loadCurrent(ended.spousePin)).state : undefined;
    const command = { type: 'AnnulDeath' as const, data: { ...annulment, survivor } };
    const result = await this.streams.execute(pin, command, envelope, options);
    await this.marriages.followCitizenEvents(result.events, envelope);
    return result;
  }
}
