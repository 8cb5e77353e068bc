import { TaskAnswer, TaskCall, TaskResponder } from '../asl/interpreter';

/**
 * A world for the deploy state machines: the registry's approved versions, the stacks (status and parameters), how an update
 * goes, the endpoint's answer and the alarms' states, in the shapes of the API references:
 * - ListModelPackages: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListModelPackages.html (ModelPackageSummaryList)
 * - DescribeStacks: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html (Stacks[].StackStatus,
 *   StackStatusReason, Parameters[]); UpdateStack answers StackId
 * - GetObject through the SDK integration answers the object as text in Body
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html)
 * - InvokeEndpoint: Body, ContentType; a model error is SageMakerRuntime.ModelErrorException (API reference, Errors)
 * - DescribeAlarms: MetricAlarms[] and CompositeAlarms[] with AlarmName and StateValue
 * - DescribeModelPackage: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html (ModelPackageArn,
 *   ModelPackageGroupName, ModelApprovalStatus; an unknown package is a ValidationException)
 * - StartPipelineExecution: https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StartPipelineExecution.html
 *   (pipelineExecutionId; the SDK integration capitalizes: PipelineExecutionId)
 */
export interface DeploymentWorld {
  /** Approved versions of the group, newest first (the ARNs ListModelPackages would list). */
  readonly approved?: string[];
  /** The stacks: status and the model package parameter's value. */
  readonly stacks: Record<string, { status: string; modelPackageArn?: string; noParameter?: boolean }>;
  /** How an update ends, after `pollsInProgress` polls in progress. */
  readonly updateEndsIn?: string;
  readonly pollsInProgress?: number;
  /** The endpoint's answer, or its error. */
  readonly invokeError?: { error: string; cause: string };
  /** Alarms by name and state; alarms the machine asks for but not listed here are not found. */
  readonly alarms?: Record<string, string>;
  /** Errors to answer before the real answer, per state, in order. */
  readonly errors?: Record<string, { error: string; cause: string }[]>;
  /** The versions DescribeModelPackage knows: their group and approval status. */
  readonly packages?: Record<string, { group: string; status: string }>;
}

export interface DeploymentLog {
  readonly updates: any[];
  readonly invocations: any[];
  readonly calls: TaskCall[];
  /** The pipeline executions started (StartPipelineExecution's arguments). */
  readonly starts: any[];
}

export const PARAMETER = 'ModelPackageArnModel';

export function deploymentWorld(world: DeploymentWorld): { tasks: TaskResponder; log: DeploymentLog } {
  const log: DeploymentLog = { updates: [], invocations: [], calls: [], starts: [] };
  const stacks = JSON.parse(JSON.stringify(world.stacks)) as DeploymentWorld['stacks'];
  const polls: Record<string, number> = {};
  const errors = JSON.parse(JSON.stringify(world.errors ?? {})) as NonNullable<DeploymentWorld['errors']>;
  const tasks = (call: TaskCall): TaskAnswer => {
    log.calls.push(call);
    const queued = errors[call.state];
    if (queued && queued.length > 0) {
      return queued.shift()!;
    }
    const action = call.resource.split(':').slice(-2).join(':');
    const a = call.arguments;
    switch (action) {
      case 'sagemaker:listModelPackages': {
        if (a.ModelApprovalStatus !== 'Approved' || a.SortBy !== 'CreationTime' || a.SortOrder !== 'Descending') {
          throw new Error(`unexpected ListModelPackages arguments ${JSON.stringify(a)}`);
        }
        const list = (world.approved ?? []).slice(0, a.MaxResults ?? 10).map((arn) => ({
          ModelPackageArn: arn, ModelPackageGroupName: a.ModelPackageGroupName, ModelPackageVersion: Number(arn.split('/').pop()),
          ModelApprovalStatus: 'Approved', ModelPackageStatus: 'Completed', CreationTime: '2026-01-05T08:00:00Z',
        }));
        return { result: { ModelPackageSummaryList: list } };
      }
      case 'sagemaker:describeModelPackage': {
        const known = world.packages?.[a.ModelPackageName];
        if (!known) {
          return { error: 'SageMaker.SageMakerException', cause: `Model package ${a.ModelPackageName} does not exist. (Service: SageMaker, Status Code: 400, Error Code: ValidationException)` };
        }
        return {
          result: {
            ModelPackageArn: a.ModelPackageName, ModelPackageGroupName: known.group, ModelPackageVersion: Number(a.ModelPackageName.split('/').pop()),
            ModelApprovalStatus: known.status, ModelPackageStatus: 'Completed', CreationTime: '2026-01-05T08:00:00Z',
          },
        };
      }
      case 'codepipeline:startPipelineExecution':
        log.starts.push(a);
        return { result: { PipelineExecutionId: 'b1f0c0de-0000-4000-8000-000000000042' } };
      case 'cloudformation:describeStacks': {
        const stack = stacks[a.StackName];
        if (!stack) {
          return { error: 'CloudFormation.CloudFormationException', cause: `Stack with id ${a.StackName} does not exist` };
        }
        if (stack.status === 'UPDATE_IN_PROGRESS') {
          polls[a.StackName] = (polls[a.StackName] ?? 0) + 1;
          if (polls[a.StackName] > (world.pollsInProgress ?? 2)) {
            stack.status = world.updateEndsIn ?? 'UPDATE_COMPLETE';
          }
        }
        const parameters = [{ ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '21' }];
        if (!stack.noParameter) {
          parameters.push({ ParameterKey: PARAMETER, ParameterValue: stack.modelPackageArn ?? 'fallback' } as any);
        }
        return {
          result: {
            Stacks: [{
              StackName: a.StackName, StackStatus: stack.status, Parameters: parameters,
              ...(stack.status.includes('ROLLBACK') ? { StackStatusReason: 'The following resource(s) failed to update: [EndpointF7A4D3E1].' } : {}),
            }],
          },
        };
      }
      case 'cloudformation:updateStack': {
        log.updates.push(a);
        const stack = stacks[a.StackName];
        stack.status = 'UPDATE_IN_PROGRESS';
        stack.modelPackageArn = a.Parameters.find((p: any) => p.ParameterKey === PARAMETER)?.ParameterValue;
        return { result: { StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${a.StackName}/6b0a9e70` } };
      }
      case 's3:getObject':
        return { result: { Body: 'tenure_months,monthly_charges\n12,70.5\n', ContentType: 'text/csv', ContentLength: 38 } };
      case 'sagemakerruntime:invokeEndpoint':
        log.invocations.push(a);
        return world.invokeError ?? { result: { Body: '0.87', ContentType: 'text/csv', InvokedProductionVariant: 'champion' } };
      case 'cloudwatch:describeAlarms': {
        const found = (a.AlarmNames as string[]).filter((n) => world.alarms?.[n] !== undefined);
        return { result: { MetricAlarms: found.map((n) => ({ AlarmName: n, StateValue: world.alarms![n] })), CompositeAlarms: [] } };
      }
      default:
        throw new Error(`the deployment world does not answer ${call.resource}`);
    }
  };
  return { tasks, log };
}

export const V2 = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/2';
export const V3 = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';
export const V4_OTHER_GROUP = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/4';

/** A SageMaker Model Package State Change event, as EventBridge delivers it to the approval router. */
export function approvalEvent(status: string, modelPackageArn?: string): any {
  return {
    'version': '0',
    'id': '3f4e2c1a-7b8d-4e5f-9a0b-1c2d3e4f5a6b',
    'detail-type': 'SageMaker Model Package State Change',
    'source': 'aws.sagemaker',
    'account': '123456789012',
    'time': '2026-12-03T07:00:00Z',
    'region': 'us-east-1',
    'resources': modelPackageArn ? [modelPackageArn] : [],
    'detail': {
      ModelPackageGroupName: 'churn', ModelPackageVersion: 2, ModelApprovalStatus: status, ModelPackageStatus: 'Completed',
      ...(modelPackageArn ? { ModelPackageArn: modelPackageArn } : {}),
    },
  };
}
