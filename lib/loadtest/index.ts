export * from './endpoint-load-test';
export * from './load-test-options';
