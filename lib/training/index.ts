export * from './instance-type';
export * from './model-registry';
export * from './training-pipeline';
export * from './training-pipeline-interface';
export * from './training-options';
export * from './tuning-options';
export * from './batch-transform';
export * from './batch-transform-options';
