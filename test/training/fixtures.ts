import { Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import jsonata from 'jsonata';
import { DataLake } from '../../lib/data-lake';
import {
  GateComparison, ModelApprovalStatus, ModelRegistry, TrainingInputMode, TrainingInstanceType, TrainingPipeline, TrainingPipelineProps,
} from '../../lib/training';
import { TEST_ENV, testApp } from '../util';

/** A stack with a lake, a registry and an ECR repository: what every pipeline needs. */
export function fixture(app = testApp(), options: { lakeInOwnStack?: boolean } = {}) {
  const stack = new Stack(app, 'Train', { env: TEST_ENV });
  const lake = new DataLake(options.lakeInOwnStack ? new Stack(app, 'Data', { env: TEST_ENV }) : stack, 'Lake');
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
  const repository = repo(stack, 'Repo', 'churn-trainer');
  return { app, stack, lake, registry, repository };
}

/** The smallest valid set of props. */
export function minimalProps(f: ReturnType<typeof fixture>): TrainingPipelineProps {
  return {
    lake: f.lake,
    registry: f.registry,
    image: tasks.DockerImage.fromEcrRepository(f.repository, '1.0.0'),
    instanceType: TrainingInstanceType.M5_XLARGE,
    channels: [{ name: 'train', zone: 'curated', prefix: 'churn/train/' }],
    metricDefinitions: [{ name: 'validation:auc', regex: 'validation-auc:([0-9.]+)' }],
    qualityGate: { metricName: 'validation:auc', threshold: 0.85 },
  };
}

/** Every option set. */
export function fullProps(f: ReturnType<typeof fixture>): TrainingPipelineProps {
  const topicKey = new kms.Key(f.stack, 'TopicKey', { enableKeyRotation: true });
  topicKey.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  const topic = new sns.Topic(f.stack, 'Alerts', { masterKey: topicKey, enforceSSL: true });
  const inferenceRepo = repo(f.stack, 'InferenceRepo', 'churn-server');
  return {
    ...minimalProps(f),
    instanceType: TrainingInstanceType.G5_2XLARGE,
    instanceCount: 2,
    volumeSize: undefined,
    maxRuntime: Duration.hours(6),
    spot: true,
    maxWait: Duration.hours(12),
    tensorBoard: true,
    channels: [
      { name: 'train', zone: 'features', prefix: 'churn/train/', inputMode: TrainingInputMode.FAST_FILE, contentType: 'text/csv', shardByS3Key: true },
      { name: 'validation', zone: 'features', prefix: 'churn/validation/' },
    ],
    metricDefinitions: [
      { name: 'validation:auc', regex: 'validation-auc:([0-9.]+)' },
      { name: 'train:loss', regex: 'train-loss:([0-9.]+)' },
    ],
    qualityGate: { metricName: 'validation:auc', threshold: 0.85, comparison: GateComparison.GREATER_THAN_OR_EQUAL },
    hyperparameters: { epochs: 20, lr: 0.001, early_stopping: true, objective: 'binary:logistic' },
    environment: { LOG_LEVEL: 'info' },
    networkIsolation: true,
    jobNamePrefix: 'churn',
    inferenceImage: tasks.DockerImage.fromEcrRepository(inferenceRepo, '1.0.0'),
    approvalStatus: ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
    supportedContentTypes: ['text/csv'],
    supportedResponseTypes: ['application/json'],
    notificationTopic: topic,
    schedule: scheduler.ScheduleExpression.rate(Duration.days(7)),
  };
}

export function pipeline(f: ReturnType<typeof fixture>, props: Partial<TrainingPipelineProps> = {}) {
  return new TrainingPipeline(f.stack, 'Churn', { ...minimalProps(f), ...props });
}

/** A private repository as a compliant app defines one: scanned, immutable tags, old images expire. */
function repo(stack: Stack, id: string, repositoryName: string): ecr.Repository {
  return new ecr.Repository(stack, id, {
    repositoryName,
    imageScanOnPush: true,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    lifecycleRules: [{ maxImageCount: 20 }],
  });
}

/**
 * The state machine definition of a template, parsed: CloudFormation references inside it are replaced by `<ref>` markers.
 */
export function stateMachineDefinition(template: { [key: string]: any }): any {
  const machines = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) {
    throw new Error(`expected one state machine, found ${machines.length}`);
  }
  const body = machines[0].Properties.DefinitionString;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : '<ref>')).join('');
  return JSON.parse(text);
}

/** The statements of every IAM policy of a role (by logical id prefix), flattened. */
export function roleStatements(template: { [key: string]: any }, roleIdPrefix: string): any[] {
  return Object.entries<any>(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(roleIdPrefix))
    .flatMap(([, r]) => r.Properties.PolicyDocument.Statement);
}

/**
 * Evaluates a state's `{% ... %}` expression with the jsonata package (2.0.x, the version Step Functions documents), with `$states`
 * bound as Step Functions binds it (the execution input in `$states.context.Execution.Input`).
 */
export async function evaluateJsonata(expression: string, executionInput: unknown, input: unknown = {}): Promise<unknown> {
  const body = expression.replace(/^\{%/, '').replace(/%\}$/, '');
  return jsonata(body).evaluate({}, { states: { input, context: { Execution: { Input: executionInput } } } });
}
