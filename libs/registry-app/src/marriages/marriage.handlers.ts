import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { civilDateIn, type CommandEnvelope } from '../command-envelope';
import { divorce, type MarriageApplication, type MarriageState } from '@registry/domain';
import { MarriageProcess, type MarriageOutcome } from './marriage-process';

export class RegisterMarriageCommand {
  constructor(
    readonly application: MarriageApplication,
    readonly envelope: CommandEnvelope,
  ) {}
}

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
    /** Checks the caller against the marriage (jurisdiction) before anything is decided. */
    readonly authorize?: (marriage: MarriageState) => void,
  ) {}
}

@CommandHandler(RegisterDivorceCommand)
export class RegisterDivorceHandler implements ICommandHandler<RegisterDivorceCommand, MarriageOutcome> {
  constructor(private readonly process: MarriageProcess) {}

  execute({ marriageId, divorce: decision, envelope, authorize }: RegisterDivorceCommand): Promise<MarriageOutcome> {
    const today = civilDateIn(envelope.now);
    return this.process.divorce(
      marriageId,
      (state) => {
        authorize?.(state);
        return divorce(state, decision, today);
      },
      envelope,
    );
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
