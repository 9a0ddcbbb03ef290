import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';

/**
 * Structured JSON logs (pino). Personal data stays out: no bodies, no query strings (a search
 * by name is personal data), no authorization header.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          autoLogging: config.logLevel === 'debug' || config.logLevel === 'trace',
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          serializers: {
            req: (req: { method: string; url: string; id: unknown }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0].replace(/\d{12}/g, '<pin>'),
            }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
