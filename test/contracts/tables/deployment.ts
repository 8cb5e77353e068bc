import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildReferenceApp } from '../../../bin/reference-app';
import { DataLake } from '../../../lib/data-lake';
import { ModelDeploymentPipeline } from '../../../lib/deployment';
import { ModelEndpoint } from '../../../lib/serving';
import { testApp } from '../../util';
import { deploymentFixture, DeploymentFixture } from '../../deployment/fixtures';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { PrincipalContract } from '../harness/iam';

/** An app with a model deployment pipeline (staging with a smoke test, then production). */
export interface DeploymentAppSpec {
  readonly app: App;
  readonly pipeline: ModelDeploymentPipeline;
  readonly lake: DataLake;
  readonly staging: { readonly stack: Stack; readonly endpoint: ModelEndpoint };
  readonly production: { readonly stack: Stack; readonly endpoint: ModelEndpoint };
}

const fromFixture = (f: DeploymentFixture & { pipeline: ModelDeploymentPipeline }): DeploymentAppSpec => ({
  app: f.app, pipeline: f.pipeline, lake: f.lake, staging: f.staging, production: f.production,
});

export const DEPLOYMENT_APPS: Record<string, () => DeploymentAppSpec> = {
  'deployment pipeline, minimal': () => fromFixture(deploymentFixture()),
  'deployment pipeline, with alerts and a manual approval': () => fromFixture(deploymentFixture((b) => ({ alerts: b.alerts, approval: { timeout: Duration.days(2) } }))),
  'reference app': () => {
    const app = testApp();
    const s = buildReferenceApp(app);
    return {
      app, pipeline: s.deployment.pipeline, lake: s.data.lake,
      staging: { stack: s.staging, endpoint: s.staging.endpoint }, production: { stack: s.serving, endpoint: s.serving.endpoint },
    };
  },
};

export interface DeploymentSubject {
  readonly spec: DeploymentAppSpec;
  readonly stagingRoleArn: string;
  readonly productionRoleArn: string;
  readonly stagingMachineArn: string;
  readonly productionMachineArn: string;
  readonly stagingStackArn: string;
  readonly productionStackArn: string;
  readonly cfnExecRoleArn: string;
  readonly stagingEndpointArn: string;
  readonly productionEndpointArn: string;
  readonly payloadArn: string;
  readonly otherFeatureArn: string;
  readonly featuresKeyArn: string;
  readonly stagingAlarmArns: string[];
  readonly productionAlarmArns: string[];
  readonly pipelineArn: string;
  readonly pipelineRoleArn: string;
  readonly eventsRoleArn: string;
  readonly approvalRuleArn: string;
  readonly modelPackageArn: string;
  readonly stagingActionRoleArn: string;
  readonly routerRoleArn: string;
  readonly routerMachineArn: string;
}

/** The role CodePipeline made for a stage's deploy action. */
export function actionRole(pipeline: ModelDeploymentPipeline, stageName: string): iam.Role {
  return pipeline.pipeline.node.findChild(stageName).node.findChild('Deploy').node.findChild('CodePipelineActionRole') as iam.Role;
}

export function deploymentSubject(app: ContractApp, spec: DeploymentAppSpec): DeploymentSubject {
  const f = spec;
  const p = spec.pipeline;
  const [staging, production] = p.stageMachines;
  const stackArn = (name: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/6b0a9e70-1c3f-11f1-9d3e-0a1b2c3d4e5f`;
  const endpointArn = (e: { endpointName: string }, scope: any) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${app.value(scope, e.endpointName)}`;
  const alarmArns = (t: { endpoint: { rollbackAlarms: { alarmName: string }[] } }, scope: any) =>
    t.endpoint.rollbackAlarms.map((a) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${app.value(scope, a.alarmName)}`);
  const features = f.lake.zone('features');
  return {
    spec,
    stagingRoleArn: app.value(staging, staging.role.roleArn),
    productionRoleArn: app.value(production, production.role.roleArn),
    stagingMachineArn: app.value(staging, staging.stateMachineArn),
    productionMachineArn: app.value(production, production.stateMachineArn),
    stagingStackArn: stackArn(f.staging.stack.stackName),
    productionStackArn: stackArn(f.production.stack.stackName),
    cfnExecRoleArn: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`,
    stagingEndpointArn: endpointArn(f.staging.endpoint, f.staging.stack),
    productionEndpointArn: endpointArn(f.production.endpoint, f.production.stack),
    payloadArn: `${app.value(features.bucket, features.bucket.bucketArn)}/churn/smoke/request.csv`,
    otherFeatureArn: `${app.value(features.bucket, features.bucket.bucketArn)}/churn/train/train.csv`,
    featuresKeyArn: app.value(f.lake, f.lake.encryptionKey!.keyArn),
    stagingAlarmArns: alarmArns(f.staging, f.staging.stack),
    productionAlarmArns: alarmArns(f.production, f.production.stack),
    pipelineArn: `arn:aws:codepipeline:${REGION}:${ACCOUNT}:${app.value(p.pipeline, p.pipeline.pipelineName)}`,
    pipelineRoleArn: app.value(p.pipeline, p.pipeline.role.roleArn),
    eventsRoleArn: app.value(p, p.eventsRole.roleArn),
    approvalRuleArn: app.value(p, p.approvalRule.ruleArn),
    modelPackageArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/churn/3`,
    stagingActionRoleArn: app.value(p, actionRole(p, 'Staging').roleArn),
    routerRoleArn: app.value(p.approvalRouter, p.approvalRouter.role.roleArn),
    routerMachineArn: app.value(p.approvalRouter, p.approvalRouter.stateMachineArn),
  };
}

const LIST_PACKAGES = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html';
const DESCRIBE_STACKS = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html';
const UPDATE_STACK = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html';
const DELETE_STACK = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html';
const CFN_SERVICE_ROLE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html';
const PASS_ROLE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html';
const INVOKE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html';
const GET_OBJECT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html';
const S3_KMS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html';
const DESCRIBE_ALARMS = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html';
const UPDATE_PACKAGE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateModelPackage.html';
const SFN_TRUST = 'https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html';
const PIPELINE_ROLE = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#how-to-custom-role';
const SFN_ACTION = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-StepFunctions.html#action-reference-StepFunctions-permissions-action';
const START_EXECUTION = 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html';
const EB_PIPELINE = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-trigger-source-repo-changes-cli.html';
const EB_TARGETS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html';
const DESCRIBE_PACKAGE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html';
const START_PIPELINE = 'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StartPipelineExecution.html';
const EB_SFN_TARGET = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html';
const otherGroupPackage = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/fraud/3`;

const otherRole = `arn:aws:iam::${ACCOUNT}:role/Admin`;

export const DEPLOYMENT_CONTRACT: PrincipalContract<DeploymentSubject>[] = [
  {
    principal: 'the staging state machine role',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.stageMachines[0].role as iam.Role) } }),
    calls: (s) => [
      { call: 'lists the approved versions', action: 'sagemaker:ListModelPackages', resource: s.modelPackageArn, expect: 'allowed', source: LIST_PACKAGES },
      { call: 'describes the version an approval named', action: 'sagemaker:DescribeModelPackage', resource: s.modelPackageArn, expect: 'allowed', source: DESCRIBE_PACKAGE },
      { call: 'describes a version of another group', action: 'sagemaker:DescribeModelPackage', resource: otherGroupPackage, expect: 'denied', source: DESCRIBE_PACKAGE },
      {
        call: 'lists the versions of another account', action: 'sagemaker:ListModelPackages', resource: 'arn:aws:sagemaker:us-east-1:210987654321:model-package/churn/3',
        expect: 'denied', source: LIST_PACKAGES,
      },
      { call: 'reads its stack', action: 'cloudformation:DescribeStacks', resource: s.stagingStackArn, expect: 'allowed', source: DESCRIBE_STACKS },
      { call: 'updates its stack', action: 'cloudformation:UpdateStack', resource: s.stagingStackArn, expect: 'allowed', source: UPDATE_STACK },
      {
        call: 'passes the bootstrap execution role to CloudFormation', action: 'iam:PassRole', resource: s.cfnExecRoleArn,
        context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, expect: 'allowed', source: CFN_SERVICE_ROLE,
      },
      {
        call: 'passes the bootstrap execution role to another service', action: 'iam:PassRole', resource: s.cfnExecRoleArn,
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' }, expect: 'denied', source: PASS_ROLE,
      },
      {
        call: 'passes another role to CloudFormation', action: 'iam:PassRole', resource: otherRole,
        context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, expect: 'denied', source: PASS_ROLE,
      },
      { call: 'updates the production stack', action: 'cloudformation:UpdateStack', resource: s.productionStackArn, expect: 'denied', source: UPDATE_STACK },
      { call: 'deletes its stack', action: 'cloudformation:DeleteStack', resource: s.stagingStackArn, expect: 'denied', source: DELETE_STACK },
      { call: 'invokes its endpoint', action: 'sagemaker:InvokeEndpoint', resource: s.stagingEndpointArn, expect: 'allowed', source: INVOKE },
      { call: 'invokes the production endpoint', action: 'sagemaker:InvokeEndpoint', resource: s.productionEndpointArn, expect: 'denied', source: INVOKE },
      { call: 'reads the sample payload', action: 's3:GetObject', resource: s.payloadArn, expect: 'allowed', source: GET_OBJECT },
      {
        call: 'decrypts the sample payload', action: 'kms:Decrypt', resource: s.featuresKeyArn,
        context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': s.payloadArn }, expect: 'allowed', source: S3_KMS,
      },
      { call: 'reads another object of the zone', action: 's3:GetObject', resource: s.otherFeatureArn, expect: 'denied', source: GET_OBJECT },
      ...s.stagingAlarmArns.map((arn) => ({ call: `reads the alarm ${arn.split(':').pop()}`, action: 'cloudwatch:DescribeAlarms', resource: arn,
        expect: 'allowed' as const, source: DESCRIBE_ALARMS })),
      { call: 'reads a production alarm', action: 'cloudwatch:DescribeAlarms', resource: s.productionAlarmArns[0], expect: 'denied', source: DESCRIBE_ALARMS },
      { call: 'changes an approval', action: 'sagemaker:UpdateModelPackage', resource: s.modelPackageArn, expect: 'denied', source: UPDATE_PACKAGE },
    ],
  },
  {
    principal: 'the production state machine role',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.stageMachines[1].role as iam.Role) } }),
    calls: (s) => [
      { call: 'reads the staging stack (the version it passed)', action: 'cloudformation:DescribeStacks', resource: s.stagingStackArn, expect: 'allowed', source: DESCRIBE_STACKS },
      { call: 'reads its stack', action: 'cloudformation:DescribeStacks', resource: s.productionStackArn, expect: 'allowed', source: DESCRIBE_STACKS },
      { call: 'updates its stack', action: 'cloudformation:UpdateStack', resource: s.productionStackArn, expect: 'allowed', source: UPDATE_STACK },
      {
        call: 'passes the bootstrap execution role to CloudFormation', action: 'iam:PassRole', resource: s.cfnExecRoleArn,
        context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, expect: 'allowed', source: CFN_SERVICE_ROLE,
      },
      { call: 'updates the staging stack', action: 'cloudformation:UpdateStack', resource: s.stagingStackArn, expect: 'denied', source: UPDATE_STACK },
      { call: 'lists the registry (it deploys what staging passed)', action: 'sagemaker:ListModelPackages', resource: s.modelPackageArn, expect: 'denied', source: LIST_PACKAGES },
      { call: 'describes a version (it deploys what staging passed)', action: 'sagemaker:DescribeModelPackage', resource: s.modelPackageArn, expect: 'denied', source: DESCRIBE_PACKAGE },
      { call: 'invokes an endpoint', action: 'sagemaker:InvokeEndpoint', resource: s.productionEndpointArn, expect: 'denied', source: INVOKE },
      { call: 'deletes its stack', action: 'cloudformation:DeleteStack', resource: s.productionStackArn, expect: 'denied', source: DELETE_STACK },
    ],
  },
  {
    principal: 'Step Functions, assuming a stage role',
    who: () => ({ service: 'states.amazonaws.com' }),
    calls: (s) => [
      {
        call: 'the staging role, for this account', action: 'sts:AssumeRole', resource: s.stagingRoleArn, context: { 'aws:SourceAccount': ACCOUNT },
        expect: 'allowed', source: SFN_TRUST,
      },
      {
        call: 'the production role, for another account', action: 'sts:AssumeRole', resource: s.productionRoleArn,
        context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: CONFUSED_DEPUTY,
      },
      { call: 'the events role', action: 'sts:AssumeRole', resource: s.eventsRoleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'denied', source: SFN_TRUST },
      {
        call: 'the approval router role, for this account', action: 'sts:AssumeRole', resource: s.routerRoleArn, context: { 'aws:SourceAccount': ACCOUNT },
        expect: 'allowed', source: SFN_TRUST,
      },
      {
        call: 'the approval router role, for another account', action: 'sts:AssumeRole', resource: s.routerRoleArn,
        context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: CONFUSED_DEPUTY,
      },
    ],
  },
  {
    principal: 'the approval router role',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.approvalRouter.role as iam.Role) } }),
    calls: (s) => [
      { call: 'starts the pipeline with the approved version', action: 'codepipeline:StartPipelineExecution', resource: s.pipelineArn, expect: 'allowed', source: START_PIPELINE },
      {
        call: 'starts another pipeline', action: 'codepipeline:StartPipelineExecution', resource: `arn:aws:codepipeline:${REGION}:${ACCOUNT}:other`,
        expect: 'denied', source: START_PIPELINE,
      },
      { call: 'starts a stage state machine itself', action: 'states:StartExecution', resource: s.stagingMachineArn, expect: 'denied', source: START_EXECUTION },
      { call: 'updates a stack', action: 'cloudformation:UpdateStack', resource: s.productionStackArn, expect: 'denied', source: UPDATE_STACK },
      { call: 'changes an approval', action: 'sagemaker:UpdateModelPackage', resource: s.modelPackageArn, expect: 'denied', source: UPDATE_PACKAGE },
    ],
  },
  {
    principal: 'the pipeline role',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.pipeline.role as iam.Role) } }),
    calls: (s) => [
      { call: "assumes the staging deploy action's role", action: 'sts:AssumeRole', resource: s.stagingActionRoleArn, expect: 'allowed', source: PIPELINE_ROLE },
      { call: 'starts a stage state machine itself (its action roles do)', action: 'states:StartExecution', resource: s.stagingMachineArn, expect: 'denied', source: SFN_ACTION },
      { call: 'updates a stack', action: 'cloudformation:UpdateStack', resource: s.productionStackArn, expect: 'denied', source: PIPELINE_ROLE },
      { call: 'passes a role', action: 'iam:PassRole', resource: s.cfnExecRoleArn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, expect: 'denied', source: PASS_ROLE },
    ],
  },
  {
    principal: "the staging deploy action's role",
    who: (s) => ({ role: { path: pathOf(actionRole(s.spec.pipeline, 'Staging')) } }),
    calls: (s) => [
      { call: 'starts the staging state machine', action: 'states:StartExecution', resource: s.stagingMachineArn, expect: 'allowed', source: SFN_ACTION },
      { call: 'starts the production state machine', action: 'states:StartExecution', resource: s.productionMachineArn, expect: 'denied', source: START_EXECUTION },
      { call: 'updates the staging stack itself', action: 'cloudformation:UpdateStack', resource: s.stagingStackArn, expect: 'denied', source: UPDATE_STACK },
    ],
  },
  {
    principal: "the production deploy action's role",
    who: (s) => ({ role: { path: pathOf(actionRole(s.spec.pipeline, 'Production')) } }),
    calls: (s) => [
      { call: 'starts the production state machine', action: 'states:StartExecution', resource: s.productionMachineArn, expect: 'allowed', source: SFN_ACTION },
      { call: 'starts the staging state machine', action: 'states:StartExecution', resource: s.stagingMachineArn, expect: 'denied', source: START_EXECUTION },
    ],
  },
  {
    principal: 'the events role',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.eventsRole) } }),
    calls: (s) => [
      { call: 'starts the approval router with the event', action: 'states:StartExecution', resource: s.routerMachineArn, expect: 'allowed', source: EB_SFN_TARGET },
      {
        call: 'starts the pipeline itself (the router does, with the version in a variable)', action: 'codepipeline:StartPipelineExecution',
        resource: s.pipelineArn, expect: 'denied', source: EB_PIPELINE,
      },
      { call: 'starts a stage state machine', action: 'states:StartExecution', resource: s.productionMachineArn, expect: 'denied', source: START_EXECUTION },
    ],
  },
  {
    principal: 'EventBridge, assuming the events role',
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s) => [
      {
        call: 'for the approval rule', action: 'sts:AssumeRole', resource: s.eventsRoleArn,
        context: { 'aws:SourceArn': s.approvalRuleArn, 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: EB_TARGETS,
      },
      {
        call: 'for a rule of another account', action: 'sts:AssumeRole', resource: s.eventsRoleArn,
        context: { 'aws:SourceArn': `arn:aws:events:${REGION}:210987654321:rule/other`, 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: CONFUSED_DEPUTY,
      },
      { call: 'the staging role', action: 'sts:AssumeRole', resource: s.stagingRoleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'denied', source: SFN_TRUST },
    ],
  },
  {
    principal: 'CodePipeline, assuming the pipeline role',
    who: () => ({ service: 'codepipeline.amazonaws.com' }),
    calls: (s) => [
      { call: 'the pipeline role', action: 'sts:AssumeRole', resource: s.pipelineRoleArn, expect: 'allowed', source: PIPELINE_ROLE },
      { call: 'the staging role', action: 'sts:AssumeRole', resource: s.stagingRoleArn, expect: 'denied', source: SFN_TRUST },
    ],
  },
];
