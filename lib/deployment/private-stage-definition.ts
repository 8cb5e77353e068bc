/**
 * The Amazon States Language (JSONata) of one stage's deploy state machine, as plain data (with CDK tokens in strings).
 *
 * A stage resolves the version to serve (the first stage: the version the approval named while it is approved, else the newest
 * approved version of the group; a later stage: the version
 * the previous stage serves), updates its stack with the previous template and only the model package parameter changed, waits
 * for the update, and runs its smoke test. It is idempotent: a stack that already serves the version is not updated.
 *
 * AWS references:
 * - DescribeModelPackage (ModelPackageName: a name or ARN; ModelPackageArn, ModelPackageGroupName, ModelApprovalStatus):
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html
 * - ListModelPackages (ModelApprovalStatus, SortBy CreationTime, SortOrder Descending, MaxResults; ModelPackageSummaryList):
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListModelPackages.html
 * - DescribeStacks (Stacks[].StackStatus, StackStatusReason, Parameters[].ParameterKey/ParameterValue):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 * - UpdateStack (UsePreviousTemplate, Parameters[].UsePreviousValue, Capabilities, RoleARN, ClientRequestToken):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html
 * - Stack status codes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes
 * - InvokeEndpoint: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html
 * - DescribeAlarms (AlarmNames, AlarmTypes; MetricAlarms[] and CompositeAlarms[] with StateValue):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * - SDK integration errors are `<Service>.<Error>`: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */

import { LATEST } from './private-approval-router';

/** The statuses UpdateStack accepts (a stack not in progress and not failed on create). */
export const UPDATABLE_STATUSES = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE'];
/** The statuses of an update still under way. */
export const UPDATE_IN_PROGRESS_STATUSES = ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'];

export interface StageDefinitionProps {
  readonly partition: string;
  readonly stageName: string;
  readonly stackName: string;
  readonly parameterKey: string;
  /** The first stage resolves from the registry; later stages take the previous stage's version. */
  readonly resolve: { readonly modelPackageGroupName: string }
  | { readonly previousStackName: string; readonly previousParameterKey: string; readonly previousCredentialsRoleArn?: string };
  readonly cloudFormationRoleArn: string;
  /** A role the CloudFormation calls assume (a cross-account stage: the target's bootstrap deploy role). */
  readonly credentialsRoleArn?: string;
  readonly pollSeconds: number;
  /** The execution's timeout (the stage's). */
  readonly timeoutSeconds: number;
  readonly smokeTest?: {
    readonly endpointName: string;
    readonly bucketName: string;
    readonly key: string;
    readonly contentType: string;
    readonly alarmNames: string[];
    readonly bakeSeconds: number;
  };
}

const sdk = (partition: string, service: string, action: string) => `arn:${partition}:states:::aws-sdk:${service}:${action}`;
const list = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;

/** Throttling and transient faults of the SDK integrations, retried with backoff (ListModelPackages, DescribeStacks, UpdateStack...). */
const TRANSIENT = (service: string) => ({
  ErrorEquals: [`${service}.ThrottlingException`, `${service}.InternalFailureException`, `${service}.ServiceUnavailableException`],
  IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL',
});

export function stageDefinition(p: StageDefinitionProps): any {
  const credentials = p.credentialsRoleArn ? { Credentials: { RoleArn: p.credentialsRoleArn } } : {};
  const states: Record<string, any> = {};
  const first = 'modelPackageGroupName' in p.resolve;

  states.Start = {
    Type: 'Pass',
    Comment: `Deploys the approved model package to ${p.stackName} (stage ${p.stageName})`,
    Assign: {
      stackName: p.stackName,
      parameterKey: p.parameterKey,
      // The first stage deploys the version the pipeline execution names (its variable, set from the approval event), else the newest
      // approved one ('latest': a rejection, or a start that names no version).
      ...(first ? { requested: `{% ($r := $states.input.requestedPackage; $type($r) = 'string' and $r != '' ? $r : '${LATEST}') %}` } : {}),
    },
    Next: first ? 'RequestedVersion' : 'ReadPreviousStage',
  };
  if ('modelPackageGroupName' in p.resolve) {
    const group = p.resolve.modelPackageGroupName;
    states.RequestedVersion = {
      Type: 'Choice',
      Choices: [{ Condition: `{% $requested = '${LATEST}' %}`, Next: 'ListApprovedPackages' }],
      Default: 'DescribeRequestedPackage',
    };
    states.DescribeRequestedPackage = {
      Type: 'Task',
      Comment: 'The version the approval named: deployed only while it is approved and of this group',
      Resource: sdk(p.partition, 'sagemaker', 'describeModelPackage'),
      Arguments: { ModelPackageName: '{% $requested %}' },
      Assign: {
        modelPackageArn: `{% $states.result.ModelApprovalStatus = 'Approved' and $states.result.ModelPackageGroupName = '${group}' `
          + "? $states.result.ModelPackageArn : '' %}",
        requestedStatus: "{% ($v := $states.result.ModelApprovalStatus; $exists($v) ? $v : 'unknown') %}",
      },
      Retry: [TRANSIENT('SageMaker')],
      Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'RequestedPackageNotReadable' }],
      Next: 'RequestedPackageApproved',
    };
    states.RequestedPackageApproved = {
      Type: 'Choice',
      Choices: [{ Condition: "{% $modelPackageArn = '' %}", Next: 'RequestedPackageNotApproved' }],
      Default: 'DescribeStack',
    };
    states.RequestedPackageNotApproved = {
      Type: 'Fail',
      Comment: 'The named version was rejected since, or is of another group: nothing is deployed (a rejection starts its own run)',
      Error: 'RequestedPackageNotApproved',
      Cause: `{% 'The model package ' & $requested & ' is ' & $requestedStatus & ', not an approved version of the group ${group}: nothing is deployed.' %}`,
    };
    states.RequestedPackageNotReadable = {
      Type: 'Fail',
      Error: 'RequestedPackageNotReadable',
      Cause: '{% $states.input.Error & \': \' & $states.input.Cause %}',
    };
    states.ListApprovedPackages = {
      Type: 'Task',
      Comment: 'The newest approved version of the group (a rejected or pending version is never listed)',
      Resource: sdk(p.partition, 'sagemaker', 'listModelPackages'),
      Arguments: {
        ModelPackageGroupName: group,
        ModelApprovalStatus: 'Approved',
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 1,
      },
      Assign: { modelPackageArn: "{% ($a := $states.result.ModelPackageSummaryList[0].ModelPackageArn; $exists($a) ? $a : '') %}" },
      Retry: [TRANSIENT('SageMaker')],
      Next: 'ApprovedPackageFound',
    };
    states.ApprovedPackageFound = {
      Type: 'Choice',
      Choices: [{ Condition: "{% $modelPackageArn = '' %}", Next: 'NoApprovedPackage' }],
      Default: 'DescribeStack',
    };
    states.NoApprovedPackage = {
      Type: 'Fail',
      Comment: 'No version of the group is approved: nothing is deployed',
      Error: 'NoApprovedModelPackage',
      Cause: `No approved model package in the group ${group}: approve a version, or deploy the fallback.`,
    };
  } else {
    states.ReadPreviousStage = {
      Type: 'Task',
      Comment: 'The version the previous stage serves (it passed its deploy and smoke test)',
      Resource: sdk(p.partition, 'cloudformation', 'describeStacks'),
      Arguments: { StackName: p.resolve.previousStackName },
      ...(p.resolve.previousCredentialsRoleArn ? { Credentials: { RoleArn: p.resolve.previousCredentialsRoleArn } } : {}),
      Assign: {
        modelPackageArn: `{% ($v := $states.result.Stacks[0].Parameters[ParameterKey = ${JSON.stringify(p.resolve.previousParameterKey)}]`
          + ".ParameterValue; $exists($v) ? $v : '') %}",
        previousStatus: '{% $states.result.Stacks[0].StackStatus %}',
      },
      Retry: [TRANSIENT('CloudFormation')],
      Next: 'PreviousStageServesPackage',
    };
    states.PreviousStageServesPackage = {
      Type: 'Choice',
      Choices: [{
        Condition: `{% $modelPackageArn in ['', 'fallback'] or $not($previousStatus in ${list(['CREATE_COMPLETE', 'UPDATE_COMPLETE'])}) %}`,
        Next: 'PreviousStageNotDeployed',
      }],
      Default: 'DescribeStack',
    };
    states.PreviousStageNotDeployed = {
      Type: 'Fail',
      Comment: 'The previous stage serves no approved package, or its stack did not complete its last update',
      Error: 'PreviousStageNotDeployed',
      Cause: `The previous stage's stack ${p.resolve.previousStackName} serves no approved model package or is not complete.`,
    };
  }

  states.DescribeStack = {
    Type: 'Task',
    Comment: 'What the stack serves now, its status, and its other parameters (kept as they are)',
    Resource: sdk(p.partition, 'cloudformation', 'describeStacks'),
    Arguments: { StackName: p.stackName },
    ...credentials,
    Assign: {
      hasParameter: '{% $exists($states.result.Stacks[0].Parameters[ParameterKey = $parameterKey]) %}',
      currentArn: "{% ($v := $states.result.Stacks[0].Parameters[ParameterKey = $parameterKey].ParameterValue; $exists($v) ? $v : '') %}",
      status: '{% $states.result.Stacks[0].StackStatus %}',
      otherParameters: '{% [$states.result.Stacks[0].Parameters[ParameterKey != $parameterKey].{"ParameterKey": ParameterKey, "UsePreviousValue": true}] %}',
    },
    Retry: [TRANSIENT('CloudFormation')],
    Next: 'StackNeedsUpdate',
  };
  const afterDeploy = p.smokeTest ? 'ReadPayload' : 'Deployed';
  states.StackNeedsUpdate = {
    Type: 'Choice',
    Choices: [
      { Condition: '{% $not($hasParameter) %}', Next: 'ParameterNotInStack' },
      { Condition: `{% $not($status in ${list(UPDATABLE_STATUSES)}) %}`, Next: 'StackNotUpdatable' },
      { Condition: '{% $currentArn = $modelPackageArn %}', Next: 'AlreadyServing' },
    ],
    Default: 'UpdateStack',
  };
  states.ParameterNotInStack = {
    Type: 'Fail',
    Error: 'ParameterNotInStack',
    Cause: `The deployed stack ${p.stackName} has no parameter ${p.parameterKey}: deploy it once with cdk deploy (its model with approvedModelPackage).`,
  };
  states.StackNotUpdatable = {
    Type: 'Fail',
    Error: 'StackNotUpdatable',
    Cause: `{% 'The stack ${p.stackName} is ' & $status & ': it is being updated, or its last operation failed; nothing is deployed.' %}`,
  };
  states.AlreadyServing = {
    Type: 'Pass',
    Comment: 'The stack serves this version already (a duplicate approval event, or a rerun): no update',
    Assign: { updated: false },
    Next: afterDeploy,
  };
  states.UpdateStack = {
    Type: 'Task',
    Comment: 'The deployed template, with only the model package parameter changed; CloudFormation stays the source of truth',
    Resource: sdk(p.partition, 'cloudformation', 'updateStack'),
    Arguments: {
      StackName: p.stackName,
      UsePreviousTemplate: true,
      Parameters: '{% $append($otherParameters, [{"ParameterKey": $parameterKey, "ParameterValue": $modelPackageArn}]) %}',
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      RoleARN: p.cloudFormationRoleArn,
      // One update per execution, whatever the retries (1-128 characters [a-zA-Z0-9-]; CodePipeline names executions <prefix>-<uuid>).
      ClientRequestToken: "{% $substring('md-' & $join($split($states.context.Execution.Name, /[^a-zA-Z0-9-]/), '-'), 0, 128) %}",
    },
    ...credentials,
    Assign: { updated: true },
    Retry: [TRANSIENT('CloudFormation')],
    Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'DeployFailed' }],
    Next: 'WaitForStack',
  };
  states.WaitForStack = { Type: 'Wait', Seconds: p.pollSeconds, Next: 'ReadStackStatus' };
  states.ReadStackStatus = {
    Type: 'Task',
    Resource: sdk(p.partition, 'cloudformation', 'describeStacks'),
    Arguments: { StackName: p.stackName },
    ...credentials,
    Assign: {
      status: '{% $states.result.Stacks[0].StackStatus %}',
      reason: "{% ($r := $states.result.Stacks[0].StackStatusReason; $exists($r) ? $r : '') %}",
    },
    Retry: [TRANSIENT('CloudFormation')],
    Next: 'StackUpdated',
  };
  states.StackUpdated = {
    Type: 'Choice',
    Choices: [
      { Condition: "{% $status = 'UPDATE_COMPLETE' %}", Next: afterDeploy },
      { Condition: `{% $status in ${list(UPDATE_IN_PROGRESS_STATUSES)} %}`, Next: 'WaitForStack' },
    ],
    Default: 'StackUpdateFailed',
  };
  states.StackUpdateFailed = {
    Type: 'Fail',
    Comment: 'The update failed and CloudFormation rolled it back (the endpoint keeps the previous version)',
    Error: 'StackUpdateFailed',
    Cause: `{% 'The stack ${p.stackName} ended in ' & $status & ': ' & $reason %}`,
  };
  states.DeployFailed = {
    Type: 'Fail',
    Error: 'DeployFailed',
    Cause: '{% $states.input.Error & \': \' & $states.input.Cause %}',
  };

  if (p.smokeTest) {
    const t = p.smokeTest;
    const toSmokeFailure = [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'SmokeTestFailed' }];
    states.ReadPayload = {
      Type: 'Task',
      Comment: 'The sample payload from the lake',
      Resource: sdk(p.partition, 's3', 'getObject'),
      Arguments: { Bucket: t.bucketName, Key: t.key },
      Assign: { payload: '{% $states.result.Body %}' },
      Retry: [{ ErrorEquals: ['S3.SlowDownException', 'S3.InternalErrorException'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Catch: toSmokeFailure,
      Next: 'InvokeEndpoint',
    };
    states.InvokeEndpoint = {
      Type: 'Task',
      Comment: 'One prediction from the deployed endpoint',
      Resource: sdk(p.partition, 'sagemakerruntime', 'invokeEndpoint'),
      Arguments: { EndpointName: t.endpointName, ContentType: t.contentType, Body: '{% $payload %}' },
      Retry: [{ ErrorEquals: ['SageMakerRuntime.ThrottlingException', 'SageMakerRuntime.ServiceUnavailableException'],
        IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 }],
      Catch: toSmokeFailure,
      Next: t.alarmNames.length > 0 ? 'Bake' : 'Deployed',
    };
    states.SmokeTestFailed = {
      Type: 'Fail',
      Comment: 'The smoke test failed: the pipeline stops here, later stages are untouched',
      Error: 'SmokeTestFailed',
      Cause: '{% $states.input.Error & \': \' & $states.input.Cause %}',
    };
    if (t.alarmNames.length > 0) {
      states.Bake = { Type: 'Wait', Seconds: t.bakeSeconds, Next: 'ReadAlarms' };
      states.ReadAlarms = {
        Type: 'Task',
        Comment: 'The stage\'s alarms after the bake time',
        Resource: sdk(p.partition, 'cloudwatch', 'describeAlarms'),
        Arguments: { AlarmNames: t.alarmNames, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
        Assign: {
          alarming: "{% [$states.result.MetricAlarms[StateValue = 'ALARM'].AlarmName, $states.result.CompositeAlarms[StateValue = 'ALARM'].AlarmName] %}",
          alarmsFound: '{% $count($states.result.MetricAlarms) + $count($states.result.CompositeAlarms) %}',
        },
        Retry: [TRANSIENT('CloudWatch')],
        Catch: toSmokeFailure,
        Next: 'AlarmsOk',
      };
      states.AlarmsOk = {
        Type: 'Choice',
        Choices: [
          { Condition: '{% $count($alarming) > 0 %}', Next: 'AlarmInAlarm' },
          { Condition: `{% $alarmsFound < ${t.alarmNames.length} %}`, Next: 'AlarmMissing' },
        ],
        Default: 'Deployed',
      };
      states.AlarmInAlarm = {
        Type: 'Fail',
        Error: 'SmokeTestAlarm',
        Cause: '{% \'In ALARM after the bake time: \' & $join($alarming, \', \') %}',
      };
      states.AlarmMissing = {
        Type: 'Fail',
        Error: 'SmokeTestAlarmMissing',
        Cause: `{% 'Found ' & $string($alarmsFound) & ' of the ${t.alarmNames.length} alarms the smoke test reads' %}`,
      };
    }
  }

  states.Deployed = {
    Type: 'Succeed',
    Output: '{% {"stage": ' + JSON.stringify(p.stageName) + ', "stackName": $stackName, "modelPackageArn": $modelPackageArn, "updated": $updated} %}',
  };

  return {
    Comment: `Deploys the approved model package to ${p.stackName} (stage ${p.stageName}) and smoke-tests it`,
    QueryLanguage: 'JSONata',
    TimeoutSeconds: p.timeoutSeconds,
    StartAt: 'Start',
    States: states,
  };
}
