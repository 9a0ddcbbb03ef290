import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CALLER_ERRORS, Operation } from '../http/openapi';
import { RelayLag } from '@registry/change-feed';

/** For operators: the Kafka relay's checkpoints per topic, lag, last produced position and leadership. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/operations/change-feed')
export class ChangeFeedOperationsController {
  constructor(private readonly relay: RelayLag) {}

  @Get()
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @Operation('The change-feed relay: checkpoints and lag per topic', CALLER_ERRORS)
  changeFeed() {
    return this.relay.report();
  }
}
