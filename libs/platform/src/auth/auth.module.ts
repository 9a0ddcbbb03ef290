import { Global, Module } from '@nestjs/common';
import { TokenVerifier } from './token-verifier';

/** Token verification for the HTTP API; the API's access guard (its policy) uses it. */
@Global()
@Module({ providers: [TokenVerifier], exports: [TokenVerifier] })
export class AuthModule {}
