import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import { FEATURES, driftFixture } from './fixtures';
import { DataLake, DriftMonitor, DriftMonitorProps, FeatureType, ModelEndpoint, ServingModel, ServingModelData } from '../../lib';
import { TEST_ENV, testApp } from '../util';

function monitor(props: Partial<DriftMonitorProps> = {}, capture?: Parameters<typeof driftFixture>[1]) {
  const f = driftFixture(testApp(), capture);
  const m = new DriftMonitor(f.stack, 'Drift', {
    endpoint: f.endpoint,
    features: FEATURES,
    baselineProfile: props.baselineDataset ? undefined : { zone: f.lake.zone('features'), key: 'churn/profile.json' },
    ...props,
  });
  return { ...f, monitor: m, template: Template.fromStack(f.stack) };
}

function scheduleInput(template: Template): any {
  const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as any;
  const input = schedule.Properties.Target.Input;
  // The bucket names are references: an Fn::Join whose non-string parts stand in as 'REF'.
  const text = typeof input === 'string' ? input : input['Fn::Join'][1].map((x: unknown) => (typeof x === 'string' ? x : 'REF')).join('');
  return JSON.parse(text);
}

describe('prediction drift', () => {
  test('tells the drift function to read the predictions from the responses as one more feature', () => {
    const { template, monitor: m } = monitor({ predictionDrift: { kind: FeatureType.NUMERIC, outputPaths: ['predictions.*.score'] } });
    const input = scheduleInput(template);
    expect(input.features).toEqual(['tenure', 'monthly_charges', 'plan', 'prediction']);
    expect(input.prediction).toEqual({ name: 'prediction', outputPaths: ['predictions.*.score'] });
    expect(m.featureNames).toEqual(['tenure', 'monthly_charges', 'plan', 'prediction']);
    // Its own alarm per variant, like any feature.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-champion-feature-prediction-drift',
      MetricName: 'FeatureDrifted',
      Dimensions: Match.arrayWith([{ Name: 'Feature', Value: 'prediction' }]),
    });
    // 2 variants x (1 drift + 4 features + 4 breakage)
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'cdk-mlops/Drift' } }))).toHaveLength(18);
  });

  test('profiles the predictions from their column of the baseline dataset, and allows overrides of them', () => {
    const f = driftFixture();
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint,
      features: [{ name: 'tenure', kind: FeatureType.NUMERIC }, { name: 'plan', kind: FeatureType.CATEGORICAL }],
      predictionDrift: { kind: FeatureType.CATEGORICAL, name: 'predicted_churn', outputIndex: 1, baselineIndex: 3 },
      baselineDataset: { zone: f.lake.zone('features'), key: 'churn/scored.csv', labelIndex: 0 },
      decision: { featureOverrides: [{ feature: 'predicted_churn', minPsi: 0.05 }] },
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::CloudFormation::CustomResource', {
      features: [{ name: 'tenure', type: 'numeric', index: 0 }, { name: 'plan', type: 'categorical', index: 1 },
        { name: 'predicted_churn', type: 'categorical', index: 2, baselineIndex: 3 }],
    });
    const input = scheduleInput(template);
    expect(input.prediction).toEqual({ name: 'predicted_churn', outputIndex: 1 });
    expect(input.policy.features).toEqual({ predicted_churn: { minPsi: 0.05 } });
  });

  test('fails without captured responses, on a name a feature has, and on bad positions', () => {
    expect(() => monitor({ predictionDrift: { kind: FeatureType.NUMERIC } }, { captureOutput: false }))
      .toThrow(/predictionDrift must be an endpoint that captures its responses \(captureOutput true\): predictions are read from them, got 'prediction'/);
    expect(() => monitor({ predictionDrift: { kind: FeatureType.NUMERIC, name: 'plan' } })).toThrow(/predictionDrift.name must be a name no feature uses, got 'plan'/);
    expect(() => monitor({ predictionDrift: { kind: FeatureType.NUMERIC, name: 'bad*name' } }))
      .toThrow(/predictionDrift.name must be 1-255 letters, digits, spaces and _ . : \/ -, got 'bad\*name'/);
    expect(() => monitor({ predictionDrift: { kind: FeatureType.NUMERIC, outputIndex: -1 } })).toThrow(/predictionDrift.outputIndex must be .*>= 0.*got -1/);
    expect(() => monitor({ predictionDrift: { kind: FeatureType.NUMERIC, outputPaths: [] } }))
      .toThrow(/predictionDrift.outputPaths must be a non-empty list of dotted paths/);
    const f = driftFixture();
    const dataset = { zone: f.lake.zone('features'), key: 'train.csv', labelIndex: 0 };
    expect(() => new DriftMonitor(f.stack, 'A', {
      endpoint: f.endpoint, features: [{ name: 'a', kind: FeatureType.NUMERIC, baselineIndex: 1 }], baselineDataset: dataset,
      predictionDrift: { kind: FeatureType.NUMERIC, baselineIndex: 1 },
    })).toThrow(/predictionDrift.baselineIndex must be a column no feature uses, but 'a' is at 1, got 1/);
    expect(() => new DriftMonitor(f.stack, 'B', {
      endpoint: f.endpoint, features: [{ name: 'a', kind: FeatureType.NUMERIC }], baselineDataset: dataset,
      predictionDrift: { kind: FeatureType.NUMERIC, baselineIndex: 0 },
    })).toThrow(/predictionDrift.baselineIndex must be a column other than the label's \(baselineDataset.labelIndex 0\), got 0/);
    expect(() => new DriftMonitor(f.stack, 'C', {
      endpoint: f.endpoint, features: [{ name: 'a', kind: FeatureType.NUMERIC }], baselineDataset: dataset,
      predictionDrift: { kind: FeatureType.NUMERIC },
    })).toThrow(/predictionDrift.baselineIndex must be the predictions' column in a CSV baseline dataset without a header/);
    // With a header the predictions are found by name.
    expect(() => new DriftMonitor(f.stack, 'D', {
      endpoint: f.endpoint, features: [{ name: 'a', kind: FeatureType.NUMERIC }], baselineDataset: { ...dataset, header: true },
      predictionDrift: { kind: FeatureType.NUMERIC },
    })).not.toThrow();
  });
});

describe('shadow variants', () => {
  test('get the drift and breakage alarms of a production variant', () => {
    const app = testApp();
    const stack = new Stack(app, 'Serve', { env: TEST_ENV });
    const lake = new DataLake(stack, 'Lake');
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
    const model = (id: string, key: string) => new ServingModel(stack, id, {
      image: ContainerImage.fromEcrRepository(repo, '1.4.2'), modelData: ServingModelData.fromLakeZone(lake.zone('models'), key),
    });
    const endpoint = new ModelEndpoint(stack, 'Churn', {
      endpointName: 'churn',
      variants: [{ name: 'champion', model: model('Champion', 'churn/v3/model.tar.gz') }],
      shadowVariant: { name: 'candidate', model: model('Candidate', 'churn/v4/model.tar.gz'), samplingPercentage: 50 },
      dataCapture: { lake },
    });
    const m = new DriftMonitor(stack, 'Drift', { endpoint, features: FEATURES, baselineProfile: { zone: lake.zone('features'), key: 'p.json' } });
    expect(m.variantNames).toEqual(['champion', 'candidate']);
    const template = Template.fromStack(stack);
    for (const name of ['churn-variant-candidate-drift', 'churn-variant-candidate-feature-plan-drift', 'churn-variant-candidate-norecords']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: name, Dimensions: Match.arrayWith([{ Name: 'VariantName', Value: 'candidate' }]) });
    }
    // The run is not pinned to a variant: the function reports every variant folder it finds, the shadow's included.
    expect(scheduleInput(template).variantName).toBeUndefined();
  });
});
