#!/usr/bin/env node
// The monitored-endpoints app of `npm run bench`: MONITORED_ENDPOINTS (default 1) two-variant endpoints, each with
// EndpointAlarms, a DriftMonitor (3 features) and an EndpointDashboard, all with the library's defaults (compiled JavaScript),
// MONITORED_PER_STACK of them per stack (default: all in one), next to a stack with the lake and the alert topics.
'use strict';
const { App, Stack } = require('aws-cdk-lib');
const ecr = require('aws-cdk-lib/aws-ecr');
const { ContainerImage } = require('@aws-cdk/aws-sagemaker-alpha');
const lib = require('../../dist/lib');

const n = Number(process.env.MONITORED_ENDPOINTS ?? 1);
const perStack = Number(process.env.MONITORED_PER_STACK ?? n);
const env = { account: '123456789012', region: 'us-east-1' };
const app = new App();
const shared = new Stack(app, 'Shared', { env });
const lake = new lib.DataLake(shared, 'Lake');
const alerts = new lib.AlertTopics(shared, 'Alerts');
const stacks = [];
const stackFor = (i) => {
  const s = Math.floor(i / perStack);
  stacks[s] = stacks[s] ?? new Stack(app, `Monitored${s}`, { env });
  return stacks[s];
};
const features = [
  { name: 'tenure', kind: lib.FeatureType.NUMERIC },
  { name: 'monthly_charges', kind: lib.FeatureType.NUMERIC },
  { name: 'plan', kind: lib.FeatureType.CATEGORICAL },
];
for (let i = 0; i < n; i++) {
  const stack = stackFor(i);
  const repo = stack.node.tryFindChild('Repo') ?? ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const model = (id, version) => new lib.ServingModel(stack, `${id}${i}`, {
    image: ContainerImage.fromEcrRepository(repo, '1.4.2'),
    modelData: lib.ServingModelData.fromLakeZone(lake.zone('models'), `model${i}/${version}/model.tar.gz`),
  });
  const endpoint = new lib.ModelEndpoint(stack, `Endpoint${i}`, {
    endpointName: `model-${i}`,
    variants: [{ name: 'champion', model: model('Champion', 'v1'), weight: 90 }, { name: 'challenger', model: model('Challenger', 'v2'), weight: 10 }],
    dataCapture: { lake },
  });
  const alarms = new lib.EndpointAlarms(stack, `Alarms${i}`, { endpoint, alerts });
  new lib.DriftMonitor(stack, `Drift${i}`, { endpoint, features, alerts, baselineProfile: { zone: lake.zone('features'), key: `model${i}/baseline.json` } });
  new lib.EndpointDashboard(stack, `Dashboard${i}`, { endpoint, alarms });
}
app.synth();
