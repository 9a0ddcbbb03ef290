import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../queries/query.dto';

export const PROCEDURE_STATUSES = ['running', 'completed', 'needs_attention', 'cancelled'] as const;

/** `GET /v1/procedures?status=&overdue=true&provinceCode=&limit=&cursor=` */
export class ProcedureListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PROCEDURE_STATUSES })
  @IsOptional()
  @IsIn(PROCEDURE_STATUSES)
  status?: (typeof PROCEDURE_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Only procedures past their deadline and unfinished' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ example: '001' })
  @IsOptional()
  @Matches(/^\d{3}$/)
  provinceCode?: string;
}

export class ProcedureStepAnswer {
  @ApiProperty({
    enum: ['permanent_residence', 'health_insurance_card', 'residence_cancellation', 'funeral_allowance'],
  })
  name: string;
  @ApiProperty({ enum: ['pending', 'done', 'failed', 'compensated'] })
  status: string;
  @ApiProperty({ nullable: true, description: 'When the step last changed (recorded time)' })
  at: string | null;
  @ApiProperty()
  attempts: number;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  outcome: Record<string, unknown> | null;
}

export class ProcedureAnswerDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['birth', 'death'] }) kind: string;
  @ApiProperty() pin: string;
  @ApiProperty() provinceCode: string;
  @ApiProperty({ enum: PROCEDURE_STATUSES }) status: string;
  @ApiProperty() startedAt: string;
  @ApiProperty({ example: '2026-12-03' }) dueBy: string;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ nullable: true }) reason: string | null;
  @ApiProperty() revision: number;
  @ApiProperty({ type: [ProcedureStepAnswer] }) steps: ProcedureStepAnswer[];
}

export class ProcedureListItem {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['birth', 'death'] }) kind: string;
  @ApiProperty() pin: string;
  @ApiProperty() provinceCode: string;
  @ApiProperty({ enum: PROCEDURE_STATUSES }) status: string;
  @ApiProperty() startedAt: string;
  @ApiProperty() dueBy: string;
  @ApiProperty() overdue: boolean;
}

export class ProcedureListAnswer {
  @ApiProperty({ type: [ProcedureListItem] }) items: ProcedureListItem[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
