import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { DataLake } from '../../lib/data-lake';
import {
  InferenceRecommendation, InferenceRecommendationProps, LatencyPercentile, RecommendationJobType,
} from '../../lib/loadtest';
import { AlarmSeverity, AlertTopics } from '../../lib/monitoring';
import { ModelRegistry } from '../../lib/training';
import { TEST_ENV, testApp } from '../util';

export const PACKAGE_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';

/** A stack with a lake, encrypted alert topics and a model registry. */
export function recommendationBase(app: App = testApp()) {
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake');
  const alerts = new AlertTopics(stack, 'Alerts');
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  return { app, stack, lake, alerts, registry, repo, topic: alerts.topic(AlarmSeverity.WARNING) };
}
export type RecommendationBase = ReturnType<typeof recommendationBase>;

/** An instance recommendation (DEFAULT) of version 3, with the sample payload in the curated zone. */
export function minimalRecommendationProps(f: RecommendationBase): InferenceRecommendationProps {
  return {
    modelPackageArn: PACKAGE_ARN,
    maxDuration: Duration.hours(2),
    stoppingConditions: { maxInvocationsPerMinute: 3000 },
    samplePayloadZone: f.lake.zone('curated'),
    samplePayloadKey: 'recommender/churn/payload.tar.gz',
    alertTopic: f.topic,
  };
}

/** A custom load test (ADVANCED): three phases on three instance types, a p95 threshold, limits, artifacts and image, reports elsewhere. */
export function fullRecommendationProps(f: RecommendationBase): InferenceRecommendationProps {
  return {
    ...minimalRecommendationProps(f),
    modelPackageArn: f.registry.modelPackageArn(3),
    jobType: RecommendationJobType.ADVANCED,
    maxDuration: Duration.hours(1),
    trafficPhases: [
      { initialUsers: 1, spawnRate: 1, duration: Duration.minutes(2) },
      { initialUsers: 3, spawnRate: 5, duration: Duration.minutes(10) },
      { initialUsers: 3, spawnRate: 20, duration: Duration.minutes(5) },
    ],
    instanceTypes: [InstanceType.C5_XLARGE, InstanceType.M5_XLARGE, InstanceType.G4DN_XLARGE],
    stoppingConditions: { maxInvocationsPerMinute: 6000, maxModelLatency: Duration.millis(250), latencyPercentile: LatencyPercentile.P95 },
    maxTests: 3,
    maxParallelTests: 2,
    contentTypes: ['text/csv'],
    domain: 'MACHINE_LEARNING',
    task: 'CLASSIFICATION',
    artifactsZone: f.lake.zone('models'),
    artifactsPrefix: 'churn/',
    imageRepository: f.repo,
    reportZone: f.lake.zone('monitoring'),
    reportPrefix: 'recommendations/churn/',
    jobNamePrefix: 'churn-rightsize',
  };
}

export function recommendationFixture(app: App = testApp(), props: Partial<InferenceRecommendationProps> = {}) {
  const f = recommendationBase(app);
  const recommendation = new InferenceRecommendation(f.stack, 'RightSizing', { ...minimalRecommendationProps(f), ...props });
  return { ...f, recommendation };
}
