export * from './authorization';
export * from './inference-api';
export * from './inference-api-options';
export * from './variant-targeting';
