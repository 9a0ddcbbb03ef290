import { Module } from '@nestjs/common';
import { ReadModelsModule } from '@registry/read-models';
import { HttpMetricsHook } from './http-metrics.hook';
import { MetricsController } from './metrics.controller';
import { RegistryMetrics } from './registry-metrics';

/** `/metrics` in Prometheus format (README, Operations). */
@Module({
  imports: [ReadModelsModule],
  controllers: [MetricsController],
  providers: [RegistryMetrics, HttpMetricsHook],
  exports: [RegistryMetrics],
})
export class MetricsModule {}
