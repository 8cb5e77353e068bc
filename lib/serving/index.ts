export * from './deployment-policy';
export * from './model-endpoint';
export * from './serving-model';
