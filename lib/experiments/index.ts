export * from './ab-experiment';
