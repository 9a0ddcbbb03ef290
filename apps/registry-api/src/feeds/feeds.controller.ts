import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgencyEntitlements, AgencyFeed } from '@registry/change-feed';
import { parsePosition, type Position } from '@registry/event-store';
import { CurrentPrincipal, HttpProblem, type Principal } from '@registry/platform';
import { DEFAULT_FEED_LIMIT, FeedPageAnswer, FeedQueryDto } from './feed-query.dto';
import { Operation } from '../http/openapi';

const LARGEST_POSITION_PART = 2n ** 63n - 1n;

/**
 * An agency's change feed over HTTP (API.md "Change feeds"): its own feed only. Every refusal is
 * 403: another agency's id (known or not, so the list of agencies cannot be probed) is FORBIDDEN;
 * the caller's own id without an entitlement is AGENCY_NOT_ENTITLED (it may read nothing).
 */
@ApiTags('feeds')
@ApiBearerAuth()
@Controller('v1/feeds')
export class FeedsController {
  constructor(
    private readonly entitlements: AgencyEntitlements,
    private readonly feed: AgencyFeed,
  ) {}

  @Get(':agencyId/events')
  @ApiOkResponse({ type: FeedPageAnswer })
  @Operation("An agency's change feed from a position (back-fills beyond Kafka retention)", {
    400: ['VALIDATION_FAILED'],
    401: ['UNAUTHENTICATED'],
    403: ['FORBIDDEN', 'AGENCY_NOT_ENTITLED'],
  })
  async events(
    @Param('agencyId') agencyId: string,
    @Query() query: FeedQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FeedPageAnswer> {
    if (principal.agency !== agencyId) throw new HttpProblem(403, 'FORBIDDEN', 'An agency may read its own feed only');
    const agency = this.entitlements.get(agencyId);
    if (!agency) throw new HttpProblem(403, 'AGENCY_NOT_ENTITLED', 'No entitlement is configured for this agency');
    return this.feed.read(agency, positionAfter(query.after), query.limit ?? DEFAULT_FEED_LIMIT);
  }
}

function positionAfter(after: string | undefined): Position | undefined {
  if (after === undefined) return undefined;
  let position: Position | null = null;
  try {
    position = parsePosition(after);
  } catch {
    position = null;
  }
  if (!position || position.commit > LARGEST_POSITION_PART || position.prepare > LARGEST_POSITION_PART) {
    throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', [
      { field: 'after', problems: ['after must be a position given by this feed (an event position or a page next)'] },
    ]);
  }
  return position;
}
