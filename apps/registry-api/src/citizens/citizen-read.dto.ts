import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCivilDate } from '../http/common.dto';

export class CitizenReadQuery {
  @ApiPropertyOptional({ description: 'Valid time: the record as it stood on this date', example: '2024-06-01' })
  @IsOptional()
  @IsCivilDate()
  validAt?: string;

  @ApiPropertyOptional({
    description: 'Transaction time: as the registry knew it at this instant',
    example: '2025-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;

  @ApiPropertyOptional({ description: 'Read-your-writes: answer with at least this revision' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  minRevision?: number;
}
