import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1000;

export class FeedQueryDto {
  @ApiPropertyOptional({
    description: 'Opaque position: the `position` of an event or the `next` of a page. Omitted: from the beginning.',
    example: '1042-5310',
  })
  @IsOptional()
  @IsString()
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_FEED_LIMIT, default: DEFAULT_FEED_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_FEED_LIMIT)
  limit?: number;
}

export class FeedEventAnswer {
  @ApiProperty({ example: '1042-5310' }) position: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'BirthRegistered' }) type: string;
  @ApiProperty({ example: '001224001234' }) pin: string;
  @ApiProperty({ description: 'Revision in the citizen stream (per-citizen order)', example: 0 }) revision: number;
  @ApiProperty({ example: '2024-03-05' }) effectiveAt: string;
  @ApiProperty({ example: '2024-03-06T02:15:00.000Z' }) recordedAt: string;
  @ApiProperty({ description: 'Only the fields the agency is entitled to', type: 'object', additionalProperties: true })
  data: Record<string, unknown>;
}

export class FeedPageAnswer {
  @ApiProperty({ type: [FeedEventAnswer] }) events: FeedEventAnswer[];
  @ApiProperty({
    nullable: true,
    description: 'Pass as `after` for the next page (null: nothing read yet)',
    type: String,
  })
  next: string | null;
  @ApiProperty({ description: 'The page reached the end of the log as it stood' }) caughtUp: boolean;
}
