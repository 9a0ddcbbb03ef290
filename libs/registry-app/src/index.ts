export * from './command-envelope';
export * from './errors';
export * from './citizens/citizen-streams';
export * from './citizens/change-citizen-record.handler';
export * from './births/register-birth.handler';
export * from './registry-app.module';
export * from './corrections/correct-record.handler';
export * from './citizens/citizen-chain';
