import { Global, Module } from '@nestjs/common';
import { createPublicKey, createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule, type JwtModuleOptions } from '@nestjs/jwt';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';
import { JwtAuthGuard } from './jwt-auth.guard';

/**
 * HS256 with a shared secret in development; a public key (RS256/ES256) in production. Keys are
 * parsed once into KeyObjects: given a string, jsonwebtoken re-parses it on every verification.
 */
function jwtOptions(config: RegistryConfig): JwtModuleOptions {
  const { secret, publicKey, issuer } = config.jwt;
  const verify = { issuer: issuer ?? undefined };
  if (publicKey) {
    return {
      publicKey: createPublicKey(publicKey) as never,
      verifyOptions: { ...verify, algorithms: ['RS256', 'ES256'] },
    };
  }
  const key = createSecretKey(Buffer.from(secret!)) as never;
  return { secret: key, signOptions: { algorithm: 'HS256' }, verifyOptions: { ...verify, algorithms: ['HS256'] } };
}

@Global()
@Module({
  imports: [JwtModule.registerAsync({ inject: [REGISTRY_CONFIG], useFactory: jwtOptions })],
  providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
  exports: [JwtModule],
})
export class AuthModule {}
