export * from './deployment-stage';
export * from './model-deployment-pipeline';
