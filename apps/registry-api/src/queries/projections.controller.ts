import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProjectorLag } from '@registry/read-models';

/** For operators: each read model's checkpoint, lag and any rebuild in progress. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/operations/projections')
export class ProjectionsController {
  constructor(private readonly lag: ProjectorLag) {}

  @Get()
  async projections() {
    const [lag, projections] = await Promise.all([this.lag.lag(), this.lag.projections()]);
    return { lag, projections };
  }
}
