import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AnnulDeath, CitizenEvent } from '@registry/domain';
import { EventSourcedHandler, type WriteResult } from '../command-handling/event-sourced-handler';
import { CitizenWrite, citizenCommand, citizenStreams } from '../citizens/citizen-streams';
import { loadCurrentCitizen } from '../citizens/current-citizen';
import { MarriageProcess } from '../marriages/marriage-process';

export class AnnulDeathCommand extends CitizenWrite<Omit<AnnulDeath['data'], 'survivor'>> {}

/**
 * A death registered in error is annulled on the citizen's stream; the marriage it ended is
 * reinstated (its stream, then the surviving spouse's), unless the survivor has married since.
 */
@CommandHandler(AnnulDeathCommand)
export class AnnulDeathHandler implements ICommandHandler<AnnulDeathCommand, WriteResult<CitizenEvent>> {
  constructor(
    private readonly streams: EventSourcedHandler,
    private readonly marriages: MarriageProcess,
  ) {}

  async execute({ pin, data, envelope, conditions }: AnnulDeathCommand): Promise<WriteResult<CitizenEvent>> {
    const ended = (await this.streams.load(citizenStreams, pin)).state?.endedByDeath?.marriage;
    const survivor = ended ? (await loadCurrentCitizen(this.streams, ended.spousePin)).state : undefined;
    const command = citizenCommand({ type: 'AnnulDeath', data: { ...data, survivor } }, envelope);
    const result = await this.streams.handle(citizenStreams, pin, command, envelope, conditions);
    await this.marriages.followCitizenEvents(result.events, envelope);
    return result;
  }
}
