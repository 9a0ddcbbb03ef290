import { ApiProperty } from '@nestjs/swagger';

export class ProvinceAnswer {
  @ApiProperty({ example: '002' }) code: string;
  @ApiProperty({ example: 'Hà Giang' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: null }) validFrom: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2025-06-30' }) validTo: string | null;
  @ApiProperty({ nullable: true, type: String, example: '008' }) successorCode: string | null;
}

export class ProvincesAnswer {
  @ApiProperty({ type: [ProvinceAnswer] }) items: ProvinceAnswer[];
}

export class CommuneAnswer {
  @ApiProperty({ example: '00004' }) code: string;
  @ApiProperty({ example: 'Phường Ba Đình' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: '2025-07-01' }) validFrom: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) validTo: string | null;
}

export class CommunesAnswer {
  @ApiProperty({ example: '001' }) provinceCode: string;
  @ApiProperty({ example: '2025-07-01' }) date: string;
  @ApiProperty({ type: [CommuneAnswer] }) items: CommuneAnswer[];
}
