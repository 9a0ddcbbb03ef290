import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RelayLag } from '@registry/change-feed';

/** For operators: the Kafka relay's checkpoints per topic, lag, last produced position and leadership. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/operations/change-feed')
export class ChangeFeedOperationsController {
  constructor(private readonly relay: RelayLag) {}

  @Get()
  changeFeed() {
    return this.relay.report();
  }
}
