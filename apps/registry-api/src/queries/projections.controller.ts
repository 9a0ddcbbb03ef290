import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ProjectorLag } from '@registry/read-models';
import { ProjectionsAnswer } from '../http/answers.dto';
import { CALLER_ERRORS, Operation } from '../http/openapi';

/** For operators: each read model's checkpoint, lag and any rebuild in progress. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/operations/projections')
export class ProjectionsController {
  constructor(private readonly lag: ProjectorLag) {}

  @Get()
  @ApiOkResponse({ type: ProjectionsAnswer })
  @Operation("Each read model's checkpoint, lag and rebuild in progress", CALLER_ERRORS)
  async projections() {
    const [lag, projections] = await Promise.all([this.lag.lag(), this.lag.projections()]);
    return { lag, projections };
  }
}
