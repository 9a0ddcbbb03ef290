import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { REGISTRY_CONFIG, readRegistryConfig, type RegistryConfig } from './registry-config';

/** @nestjs/config loads `.env` (when present) and the environment; we type and check it once. */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ cache: true, load: [() => ({ registry: readRegistryConfig() })] })],
  providers: [
    {
      provide: REGISTRY_CONFIG,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => config.getOrThrow<RegistryConfig>('registry'),
    },
  ],
  exports: [REGISTRY_CONFIG],
})
export class RegistryConfigModule {}
