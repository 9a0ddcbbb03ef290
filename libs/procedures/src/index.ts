export * from './procedure-streams';
export * from './agencies/service-topics';
export * from './agencies/service-messages';
export * from './runner/procedure-runner';
export * from './runner/procedure-steps';
export * from './view/procedure-view';
export * from './procedures.module';
