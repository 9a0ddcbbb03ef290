import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RegistryMetrics } from './registry-metrics';

/** Prometheus scrape endpoint: counts and lags only, no personal data (so no token either). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: RegistryMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const text = await this.metrics.registry.metrics();
    await reply.header('Content-Type', this.metrics.registry.contentType).send(text);
  }
}
