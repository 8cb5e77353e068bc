import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BatchConfig } from './batch-validate';
import { modelPackagesArn } from './roles';
import type { ILakeZone } from '../../data-lake';
import { acknowledgeInlinePolicy, acknowledgeWildcardResources } from '../../private/nag';
import { kmsThroughS3 } from '../../private/s3-grants';
import type { BatchTransformProps } from '../batch-transform';
import * as perms from '../perms';
import { WildcardAcknowledgments } from '../private-acknowledgments';

/** The roles of a batch transform and the ARNs its states use. */
export interface BatchRoles {
  /** The role the state machine runs as. */
  readonly stateMachineRole: iam.Role;
  /** The execution role of the model each run defines from a package; undefined with a ServingModel (its own role). */
  readonly modelRole?: iam.Role;
  /** The principal that SageMaker uses to read the input and write the output: the model's execution role. */
  readonly modelPrincipal: iam.IPrincipal;
  readonly machineAcks: WildcardAcknowledgments;
  /** This construct's transform jobs (`<prefix>-<uuid>`). */
  readonly jobsArn: string;
  /** This construct's per-run models (`<prefix>-<uuid>`). */
  readonly modelsArn: string;
  /** The registry's versions, with a package model. */
  readonly packagesArn?: string;
  /** The security groups of a package model in a VPC. */
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly subnetIds?: string[];
}

/**
 * The state machine role (start and follow transform jobs; with a package, find it and define and delete the run's model) and the
 * model's execution role (read the input prefix, write the output and capture prefixes without deleting, write the job's logs; with a
 * package, read its artifacts and pull its image). Each action is cited in ../perms.ts.
 */
export function defineBatchRoles(scope: Construct, props: BatchTransformProps, cfg: BatchConfig): BatchRoles {
  const stack = Stack.of(scope);
  const runNames = `${cfg.jobNamePrefix}-${perms.RUN_ID_PATTERN}`;
  const jobsArn = stack.formatArn({ service: 'sagemaker', resource: 'transform-job', resourceName: runNames });
  const modelsArn = stack.formatArn({ service: 'sagemaker', resource: 'model', resourceName: runNames });

  // --- The model's execution role. ---------------------------------------------------------------------------------------------
  let modelRole: iam.Role | undefined;
  let modelPrincipal: iam.IPrincipal;
  if (cfg.fromPackage) {
    modelRole = new iam.Role(scope, 'ModelRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Execution role of the models and transform jobs ${cfg.jobNamePrefix}-* of ${scope.node.path}`,
    });
    acknowledgeInlinePolicy(modelRole);
    modelPrincipal = modelRole;
  } else {
    modelPrincipal = props.model.servingModel!.grantPrincipal;
  }
  const grantee: iam.IGrantable = { grantPrincipal: modelPrincipal };
  // The wildcard resources of the model role's grants, each with its reasons (acknowledged one by one on its policy).
  const wildcards = new Map<string, string[]>();
  const ack = (arn: string, reason: string) => wildcards.set(arn, [...(wildcards.get(arn) ?? []), reason]);

  props.input.grantRead(grantee, cfg.inputPrefix);
  props.output.grantWrite(grantee, cfg.outputPrefix, { allowDelete: false });
  encryptThroughS3(grantee, props.output, cfg.outputPrefix);
  if (props.dataCapture && cfg.capturePrefix !== undefined) {
    props.dataCapture.zone.grantWrite(grantee, cfg.capturePrefix, { allowDelete: false });
    encryptThroughS3(grantee, props.dataCapture.zone, cfg.capturePrefix);
  }
  const logGroupArn = stack.formatArn({
    service: 'logs', resource: 'log-group', resourceName: `${perms.TRANSFORM_LOG_GROUP}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const logStreamsArn = stack.formatArn({
    service: 'logs', resource: 'log-group', resourceName: `${perms.TRANSFORM_LOG_GROUP}:log-stream:${runNames}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  iam.Grant.addToPrincipal({ grantee, actions: perms.LOG_GROUP_ACTIONS, resourceArns: [logGroupArn] });
  iam.Grant.addToPrincipal({ grantee, actions: perms.LOG_STREAM_ACTIONS, resourceArns: [logStreamsArn] });
  ack(logGroupArn, `CreateLogGroup and DescribeLogStreams on SageMaker's fixed transform log group ${perms.TRANSFORM_LOG_GROUP} only; the ":*" `
    + 'suffix is the ARN form CloudWatch Logs authorizes log-group actions against.');
  ack(logStreamsArn, 'Only the log streams of this construct\'s transform jobs (<job-name>/<instance-id>), whose names are generated per run.');
  if (cfg.volumeKey) {
    iam.Grant.addToPrincipal({
      grantee, actions: perms.KMS_VOLUME_ACTIONS, resourceArns: [cfg.volumeKey.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  }

  let packagesArn: string | undefined;
  let securityGroups: ec2.ISecurityGroup[] | undefined;
  let subnetIds: string[] | undefined;
  if (modelRole) {
    const registry = props.model.registry!;
    packagesArn = modelPackagesArn(stack, registry.modelPackageGroupName);
    modelRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.DESCRIBE_PACKAGE_ACTIONS, resources: [packagesArn] }));
    ack(packagesArn, 'DescribeModelPackage on the versions of the one model package group this construct scores with.');
    const options = props.model.packageOptions;
    if (options.artifactsZone) {
      options.artifactsZone.grantRead(modelRole, options.artifactsPrefix);
    }
    if (options.imageRepository) {
      options.imageRepository.grantPull(modelRole);
      ack('*', 'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are limited to the package image\'s repository.');
    }
    if (props.vpc) {
      securityGroups = props.securityGroups ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
        vpc: props.vpc,
        description: `Transform jobs of ${scope.node.path}`,
        allowAllOutbound: true,
      })];
      subnetIds = props.vpc.selectSubnets(props.vpcSubnets).subnetIds;
      grantVpcAccess(modelRole, props.vpc, subnetIds, securityGroups, ack);
    }
  }
  const policy = modelPrincipal instanceof iam.Role ? modelPrincipal.node.tryFindChild('DefaultPolicy') : undefined;
  for (const [arn, why] of policy ? wildcards : []) {
    acknowledgeWildcardResources(policy!, [arn], why.join(' '));
  }

  // --- The state machine role. -------------------------------------------------------------------------------------------------
  const stateMachineRole = new iam.Role(scope, 'StateMachineRole', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    description: `Step Functions state machine of the batch transform ${scope.node.path}`,
  });
  acknowledgeInlinePolicy(stateMachineRole);
  const machineAcks = new WildcardAcknowledgments(stateMachineRole);
  // No acknowledgment: the jobs' ARN has no '*' (<prefix>-<uuid> as '?' patterns).
  stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.TRANSFORM_JOB_ACTIONS, resources: [jobsArn] }));
  stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: perms.SYNC_RULE_ACTIONS,
    resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: perms.TRANSFORM_SYNC_RULE_NAME })],
  }));
  machineAcks.add('*', 'Step Functions log delivery (logs:*LogDelivery, DescribeLogGroups, ...) and X-Ray tracing (xray:PutTraceSegments, ...) '
    + 'support no resource-level permissions; these statements are the ones aws-stepfunctions generates for logging and tracing.');
  if (modelRole) {
    stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.RUN_MODEL_ACTIONS, resources: [modelsArn] }));
    stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.DESCRIBE_PACKAGE_ACTIONS, resources: [packagesArn!] }));
    machineAcks.add(packagesArn!, 'DescribeModelPackage on the versions of the one model package group this construct scores with.');
    if (props.model.version === undefined) {
      stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.REGISTRY_LIST_ACTIONS, resources: ['*'] }));
      machineAcks.add('*', 'sagemaker:ListModelPackages names no model package (it lists them, filtered by group): the Service Authorization '
        + 'Reference gives it only an optional resource type, so it is granted on * and reveals names and status, never content.');
    }
    stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [modelRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
  }
  return { stateMachineRole, modelRole, modelPrincipal, machineAcks, jobsArn, modelsArn, packagesArn, securityGroups, subnetIds };
}

/**
 * `OutputDataConfig`-style keys: SageMaker's API reference says the execution role needs kms:Encrypt on the output key, which
 * SageMaker uses through S3 server-side encryption (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformOutput.html,
 * KmsKeyId). Only through S3 and for the objects under `prefix`, as every grant on a lake key.
 */
function encryptThroughS3(grantee: iam.IGrantable, zone: ILakeZone, prefix: string): void {
  const key: kms.IKey | undefined = zone.encryptionKey;
  if (!key) {
    return;
  }
  iam.Grant.addToPrincipal({
    grantee, actions: perms.KMS_OUTPUT_KEY_ACTIONS, resourceArns: [key.keyArn],
    conditions: kmsThroughS3(zone.bucket, `${zone.normalizePrefix(prefix)}*`),
  });
}

/**
 * The ENI actions SageMaker takes with the model's role in a VPC, scoped as far as the Service Authorization Reference allows: creating
 * an interface in the chosen subnets with the chosen security groups; creating permissions on and deleting interfaces of this VPC
 * only (`ec2:Vpc`); the Describe actions (and DeleteNetworkInterfacePermission, whose resource type is optional) on `*`.
 */
function grantVpcAccess(role: iam.Role, vpc: ec2.IVpc, subnetIds: string[], securityGroups: ec2.ISecurityGroup[],
  ack: (arn: string, reason: string) => void): void {
  const stack = Stack.of(role);
  const interfaces = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: perms.VPC_CREATE_ENI_ACTIONS,
    resources: [
      interfaces,
      ...subnetIds.map((id) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: id })),
      ...securityGroups.map((sg) => stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: sg.securityGroupId })),
    ],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: perms.VPC_ENI_IN_VPC_ACTIONS,
    resources: [interfaces],
    conditions: { ArnEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: vpc.vpcId }) } },
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.VPC_UNSCOPED_ACTIONS, resources: ['*'] }));
  ack(interfaces, 'SageMaker creates the network interfaces of the transform job, whose ids are not known in advance: creating one only in '
    + 'the chosen subnets with the chosen security groups, and permissions and deletion only for interfaces of this VPC (ec2:Vpc).');
  ack('*', 'The EC2 Describe actions support no resource-level permissions, and DeleteNetworkInterfacePermission has only an optional '
    + 'resource type (Service Authorization Reference); SageMaker needs them to attach the job to the VPC.');
}
