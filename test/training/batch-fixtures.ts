import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as alpha from '@aws-cdk/aws-sagemaker-alpha';
import { DataLake } from '../../lib/data-lake';
import { AlertTopics } from '../../lib/monitoring';
import { ServingModel, ServingModelData } from '../../lib/serving';
import {
  BatchStrategy, BatchTransform, BatchTransformProps, JoinSource, ModelRegistry, SplitType, TransformInstanceType, TransformModel,
} from '../../lib/training';
import { TEST_ENV, testApp } from '../util';

/** A stack with a lake and a registry: what every batch transform needs. */
export function batchFixture(app = testApp(), options: { lakeInOwnStack?: boolean } = {}) {
  const stack = new Stack(app, 'Batch', { env: TEST_ENV });
  const lake = new DataLake(options.lakeInOwnStack ? new Stack(app, 'Data', { env: TEST_ENV }) : stack, 'Lake');
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
  const repository = ecr.Repository.fromRepositoryAttributes(stack, 'Repo', {
    repositoryArn: `arn:aws:ecr:${TEST_ENV.region}:${TEST_ENV.account}:repository/churn-server`, repositoryName: 'churn-server',
  });
  return { app, stack, lake, registry, repository };
}

export type BatchFixture = ReturnType<typeof batchFixture>;

/** The smallest valid props: the latest approved package of the registry, scoring curated/churn/scoring/ into the features zone. */
export function minimalBatchProps(f: BatchFixture): BatchTransformProps {
  return {
    model: TransformModel.latestApproved(f.registry),
    input: f.lake.zone('curated'),
    inputPrefix: 'churn/scoring/',
    output: f.lake.zone('features'),
  };
}

/** Every option of a package model: a given version in a VPC, data capture, schedule, new objects, alarms. */
export function fullBatchProps(f: BatchFixture, vpc: ec2.IVpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 1 })): BatchTransformProps {
  return {
    model: TransformModel.fromModelPackageVersion(f.registry, 3, {
      artifactsZone: f.lake.zone('models'), artifactsPrefix: 'training/churn/output/', imageRepository: f.repository,
    }),
    input: f.lake.zone('curated'),
    inputPrefix: 'churn/scoring/',
    output: f.lake.zone('features'),
    outputPrefix: 'churn/scores/',
    instanceType: TransformInstanceType.C5_2XLARGE,
    instanceCount: 2,
    maxPayloadMb: 20,
    maxConcurrentTransforms: 4,
    batchStrategy: BatchStrategy.MULTI_RECORD,
    splitType: SplitType.LINE,
    joinSource: JoinSource.INPUT,
    inputFilter: '$[1:]',
    outputFilter: '$[0,-1]',
    contentType: 'text/csv',
    accept: 'text/csv',
    environment: { MODEL_THRESHOLD: '0.5' },
    invocationTimeout: Duration.minutes(2),
    invocationRetries: 1,
    maxRuntime: Duration.hours(6),
    dataCapture: { zone: f.lake.zone('monitoring'), prefix: 'batch-capture/churn/' },
    vpc,
    networkIsolation: true,
    jobNamePrefix: 'churn-score',
    jobTags: { team: 'churn' },
    schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }),
    startOnNewObjects: true,
    alerts: new AlertTopics(f.stack, 'Alerts'),
  };
}

/** A ServingModel to score with. */
export function servingModel(f: BatchFixture): ServingModel {
  return new ServingModel(f.stack, 'Model', {
    image: alpha.ContainerImage.fromEcrRepository(f.repository as ecr.IRepository, '1.0.0'),
    modelData: ServingModelData.fromLakeZone(f.lake.zone('models'), 'churn/v3/model.tar.gz'),
  });
}

export function batch(f: BatchFixture, props: Partial<BatchTransformProps> = {}, id = 'Score'): BatchTransform {
  return new BatchTransform(f.stack, id, { ...minimalBatchProps(f), ...props });
}
