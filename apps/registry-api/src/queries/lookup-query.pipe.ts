import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { registryValidationPipe } from '@registry/platform';
import { CitizenLookupQuery } from './query.dto';

/**
 * Validates the query of a lookup only when there is one. Nearly every lookup has none, and the
 * validation pipe's transform is a measurable share of a lookup's cost at thousands a second.
 */
@Injectable()
export class LookupQueryPipe implements PipeTransform<Record<string, unknown>, Promise<CitizenLookupQuery>> {
  private readonly validation = registryValidationPipe();

  async transform(query: Record<string, unknown>, metadata: ArgumentMetadata): Promise<CitizenLookupQuery> {
    if (Object.keys(query).length === 0) return {};
    return this.validation.transform(query, { ...metadata, metatype: CitizenLookupQuery });
  }
}
