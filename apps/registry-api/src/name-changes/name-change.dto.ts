import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsCivilDate, PersonNameDto } from '../http/common.dto';

export class NameChangeDto {
  @ApiProperty({ type: PersonNameDto }) @ValidateNested() @Type(() => PersonNameDto) name: PersonNameDto;
  @ApiProperty({ example: '2025-01-10' }) @IsCivilDate() effectiveDate: string;
  @ApiProperty({ example: 'Decision on change of name' }) @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}
