import { Template } from 'aws-cdk-lib/assertions';
import { featureStoreFixture, fullFeatureGroup, fullIngestion, minimalFeatureGroup, minimalIngestion } from './fixtures';
import * as lib from '../../lib';

test('a minimal feature group matches its snapshot', () => {
  const f = featureStoreFixture();
  minimalFeatureGroup(f);
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('a feature group with every option matches its snapshot', () => {
  const f = featureStoreFixture();
  fullFeatureGroup(f);
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('a minimal stream ingestion matches its snapshot', () => {
  const f = featureStoreFixture();
  minimalIngestion(f);
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('a stream ingestion with every option matches its snapshot', () => {
  const f = featureStoreFixture();
  fullIngestion(f);
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('the package entry point exports the feature store API', () => {
  expect(Object.keys(lib)).toEqual(expect.arrayContaining([
    'FeatureGroup', 'FeatureValueType', 'OnlineStoreTier', 'OfflineTableFormat', 'FeatureGroupThroughput', 'FeatureIngestion', 'IngestionTargetStore',
  ]));
});
