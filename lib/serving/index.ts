export * from './deployment-policy';
export * from './data-capture';
export * from './model-endpoint';
export * from './model-endpoint-options';
export * from './model-endpoint-interface';
export * from './rollback-alarms';
export * from './variant';
export * from './serving-model';
