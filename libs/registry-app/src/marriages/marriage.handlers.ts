import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CitizenRecord, MarriageApplication, MarriageState } from '@registry/domain';
import type { CommandEnvelope } from '../command-handling/command-envelope';
import { MarriageProcess, type MarriageOutcome } from './marriage-process';

export class RegisterMarriageCommand {
  constructor(
    readonly application: MarriageApplication,
    readonly envelope: CommandEnvelope,
  ) {}
}

/** A marriage: both spouses' streams and the marriage's own, through the marriage process. */
@CommandHandler(RegisterMarriageCommand)
export class RegisterMarriageHandler implements ICommandHandler<RegisterMarriageCommand, MarriageOutcome> {
  constructor(private readonly process: MarriageProcess) {}

  execute({ application, envelope }: RegisterMarriageCommand): Promise<MarriageOutcome> {
    return this.process.register(application, envelope);
  }
}

export class RegisterDivorceCommand {
  constructor(
    readonly marriageId: string,
    readonly divorce: { readonly date: string; readonly courtDecision: string },
    readonly envelope: CommandEnvelope,
    /** Checks the caller against the spouses as they are now (jurisdiction) before anything is decided. */
    readonly authorize?: (spouses: readonly CitizenRecord[]) => void,
  ) {}
}

@CommandHandler(RegisterDivorceCommand)
export class RegisterDivorceHandler implements ICommandHandler<RegisterDivorceCommand, MarriageOutcome> {
  constructor(private readonly process: MarriageProcess) {}

  execute({ marriageId, divorce, envelope, authorize }: RegisterDivorceCommand): Promise<MarriageOutcome> {
    return this.process.divorce(marriageId, divorce, envelope, authorize);
  }
}

export class FindMarriageQuery {
  constructor(readonly marriageId: string) {}
}

@QueryHandler(FindMarriageQuery)
export class FindMarriageHandler implements IQueryHandler<FindMarriageQuery, MarriageState> {
  constructor(private readonly process: MarriageProcess) {}

  execute({ marriageId }: FindMarriageQuery): Promise<MarriageState> {
    return this.process.find(marriageId);
  }
}
