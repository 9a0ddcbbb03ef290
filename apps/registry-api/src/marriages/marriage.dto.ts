import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsCivilDate, PROVINCE_CODE } from '../http/common.dto';

const PIN = /^\d{12}$/;

export class MarriageDto {
  @ApiProperty({ type: [String], example: ['079190012345', '079092054321'] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @Matches(PIN, { each: true, message: 'spouses must be two 12-digit PINs' })
  spouses: [string, string];
  @ApiProperty({ example: '2024-05-20' }) @IsCivilDate() date: string;
  @ApiProperty({ example: '079' })
  @Matches(PROVINCE_CODE, { message: 'registrationProvinceCode must be 3 digits' })
  registrationProvinceCode: string;
  @ApiPropertyOptional({ example: 'KH-2024-000045' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  certificateNumber?: string;
}

export class DivorceDto {
  @ApiProperty({ example: '2025-03-01' }) @IsCivilDate() date: string;
  @ApiProperty({ example: 'Judgment no. 12/2025/HNGĐ-ST' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  courtDecision: string;
}

export class MarriageAnswer {
  @ApiProperty() marriageId: string;
  @ApiProperty({ type: [String] }) spouses: string[];
  @ApiProperty({ example: '2024-05-20' }) date: string;
  @ApiProperty({ enum: ['married', 'divorced', 'ended_by_death'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) endedOn: string | null;
  @ApiProperty() registrationProvinceCode: string;
  @ApiProperty({ nullable: true, type: String }) certificateNumber: string | null;
}

export class MarriageWriteAnswer {
  @ApiProperty() marriageId: string;
  @ApiProperty({ example: { '079190012345': 3, '079092054321': 5 } }) revisions: Record<string, number>;
}
