export * from './endpoint-load-test';
export * from './load-test-options';
export * from './inference-recommendation';
export * from './inference-recommendation-options';
