/**
 * The states of a load-test run (JSONata): per phase, read the endpoint's instance counts, run the phase's workers in a
 * Distributed Map (one child workflow per worker and slice, at most `workers` at once), read the counts again and the
 * scaling activities of each variant, aggregate (percentiles, error rate, throughput, metrics), then stop early on a
 * breached condition or go on to the next phase; finally write the JSON report to the lake. Any failure is reported too.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as perms from './perms';
import { itemCap, LoadTestPlan, SLICE_SECONDS } from './private-plan';
import { ILakeZone } from '../data-lake';
import { IModelEndpoint } from '../serving';

export interface DefinitionInputs {
  readonly endpoint: IModelEndpoint;
  readonly plan: LoadTestPlan;
  readonly worker: lambda.IFunction;
  readonly aggregator: lambda.IFunction;
  readonly payloads: ILakeZone;
  readonly reports: ILakeZone;
  readonly contentType: string;
  readonly accept?: string;
  readonly targetVariant?: string;
}

/** How long a worker may run: a slice, a 60-second request at its end, reading the samples. */
export const WORKER_TIMEOUT = Duration.seconds(SLICE_SECONDS + 90);

/**
 * Errors of the AWS SDK integration that a retry can cure (SageMaker's and Application Auto Scaling's transient common
 * errors, https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html; an unmodelled one as
 * `<Service>.<Service>Exception`: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
const SDK_RETRY: sfn.RetryProps = {
  errors: ['SageMaker.ThrottlingException', 'SageMaker.SageMakerException', 'ApplicationAutoScaling.ConcurrentUpdateException',
    'ApplicationAutoScaling.InternalServiceException', 'ApplicationAutoScaling.ApplicationAutoScalingException', 'S3.S3Exception',
    'S3.InternalErrorException', 'S3.SlowDownException'],
  interval: Duration.seconds(2), maxAttempts: 4, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL,
};

export function defineLoadTestStates(scope: Construct, d: DefinitionInputs): sfn.IChainable {
  const { plan } = d;
  const phases = plan.phases.map((p, index) => ({
    name: p.name, index, requestsPerSecond: p.requestsPerSecond, workers: p.workers, workerRate: p.workerRate, slices: p.slices,
    sliceSeconds: SLICE_SECONDS, lastSliceSeconds: p.lastSliceSeconds, sliceCap: itemCap(p.workerRate, SLICE_SECONDS),
    lastSliceCap: itemCap(p.workerRate, p.lastSliceSeconds),
  }));
  const prepare = sfn.Pass.jsonata(scope, 'Prepare', {
    comment: 'The run\'s plan: its phases (workers, slices, caps), its guards and where it reports',
    assign: {
      runId: '{% $states.context.Execution.Name %}',
      startedAt: '{% $states.context.Execution.StartTime %}',
      endpointName: d.endpoint.endpointName,
      phases,
      i: 0,
      summaries: [],
      status: 'COMPLETED',
      stopReason: null,
      failure: null,
    },
  });

  const reportFailure = sfn.Pass.jsonata(scope, 'RecordFailure', {
    comment: 'A step failed: the report says which phase and why',
    assign: { status: 'FAILED', failure: '{% $merge([$states.input, {"phase": $phases[$i].name}]) %}' },
  });
  const catchAll = { errors: [sfn.Errors.ALL] };

  const instanceCounts = '{% [$states.result.ProductionVariants.{"VariantName": VariantName, "CurrentInstanceCount": CurrentInstanceCount, '
    + '"DesiredInstanceCount": DesiredInstanceCount}] %}';
  const describe = (id: string, assign: Record<string, string>) => {
    const t = tasks.CallAwsService.jsonata(scope, id, {
      comment: 'The instance count of each production variant (DescribeEndpoint)',
      service: 'sagemaker',
      action: 'describeEndpoint',
      iamAction: perms.DESCRIBE_ENDPOINT_ACTIONS[0],
      iamResources: [d.endpoint.endpointArn],
      parameters: { EndpointName: '{% $endpointName %}' },
      assign,
      outputs: '{% $states.input %}',
    });
    t.addRetry(SDK_RETRY);
    t.addCatch(reportFailure, catchAll);
    return t;
  };
  const before = describe('CountInstancesBefore', { before: instanceCounts });

  const work = new tasks.LambdaInvoke(scope, 'SendLoad', {
    comment: 'One worker sends its share of the phase for its slice',
    queryLanguage: sfn.QueryLanguage.JSONATA,
    lambdaFunction: d.worker,
    payload: sfn.TaskInput.fromText('{% $states.input %}'),
    outputs: '{% $states.result.Payload %}',
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.duration(WORKER_TIMEOUT),
  });
  // Only a throttled invocation is retried: Lambda refused it before the worker ran, so no request was sent twice
  // (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors: TooManyRequestsException, 429).
  work.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL });
  const v = '$states.context.Map.Item.Value';
  const p = '$phases[$i]';
  const drive = sfn.DistributedMap.jsonata(scope, 'DrivePhase', {
    comment: 'The phase\'s workers: one child workflow per worker and slice, the workers of a slice at once',
    items: sfn.ProvideItems.jsonata(`{% [[0..(${p}.workers * ${p}.slices - 1)].{"worker": $ % ${p}.workers, "slice": $floor($ / ${p}.workers)}] %}`),
    jsonataMaxConcurrency: `{% ${p}.workers %}`,
    itemSelector: {
      runId: '{% $runId %}',
      phase: `{% ${p}.name %}`,
      phaseIndex: '{% $i %}',
      worker: `{% ${v}.worker %}`,
      slice: `{% ${v}.slice %}`,
      endpointName: '{% $endpointName %}',
      ...(d.targetVariant ? { targetVariant: d.targetVariant } : {}),
      contentType: d.contentType,
      ...(d.accept ? { accept: d.accept } : {}),
      samplesBucket: d.payloads.bucket.bucketName,
      samplesPrefix: plan.payloadPrefix,
      rate: `{% ${p}.workerRate %}`,
      seconds: `{% ${v}.slice = ${p}.slices - 1 ? ${p}.lastSliceSeconds : ${p}.sliceSeconds %}`,
      maxRequests: `{% ${v}.slice = ${p}.slices - 1 ? ${p}.lastSliceCap : ${p}.sliceCap %}`,
      maxInFlight: plan.maxInFlight,
      requestTimeoutMs: plan.requestTimeoutMs,
    },
    mapExecutionType: sfn.StateMachineType.STANDARD,
    assign: { results: '{% $states.result %}', phaseStartedAt: '{% $states.context.State.EnteredTime %}' },
    outputs: '{% $states.input %}',
  });
  drive.itemProcessor(work);
  drive.addCatch(reportFailure, catchAll);

  const after = describe('CountInstancesAfter', { after: instanceCounts, phaseEndedAt: '{% $states.context.State.EnteredTime %}' });

  const scaling = tasks.CallAwsService.jsonata(scope, 'DescribeScaling', {
    comment: 'The scaling activities of one variant (Application Auto Scaling keeps six weeks of them)',
    service: 'applicationautoscaling',
    action: 'describeScalingActivities',
    iamAction: perms.DESCRIBE_SCALING_ACTIVITIES_ACTIONS[0],
    iamResources: ['*'],
    parameters: {
      ServiceNamespace: 'sagemaker',
      ResourceId: '{% "endpoint/" & $endpointName & "/variant/" & $states.input %}',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MaxResults: 50,
    },
    outputs: '{% $states.result.ScalingActivities ? $states.result.ScalingActivities : [] %}',
  });
  scaling.addRetry(SDK_RETRY);
  const scalingMap = sfn.Map.jsonata(scope, 'ReadScaling', {
    comment: d.targetVariant ? 'The scaling activities of the target variant' : 'The scaling activities of each production variant',
    items: d.targetVariant ? sfn.ProvideItems.jsonArray([d.targetVariant]) : sfn.ProvideItems.jsonata('{% [$after.VariantName] %}'),
    maxConcurrency: 1,
    assign: { activities: '{% $states.result %}' },
    outputs: '{% $states.input %}',
  });
  scalingMap.itemProcessor(scaling);
  scalingMap.addCatch(reportFailure, catchAll);

  const aggregate = new tasks.LambdaInvoke(scope, 'Aggregate', {
    comment: 'The phase\'s percentiles, error rate, throughput and scale-out; published as metrics',
    queryLanguage: sfn.QueryLanguage.JSONATA,
    lambdaFunction: d.aggregator,
    payload: sfn.TaskInput.fromObject({
      endpointName: '{% $endpointName %}',
      phase: `{% ${p}.name %}`,
      requestsPerSecond: `{% ${p}.requestsPerSecond %}`,
      startedAt: '{% $phaseStartedAt %}',
      endedAt: '{% $phaseEndedAt %}',
      results: '{% $results %}',
      before: '{% $before %}',
      after: '{% $after %}',
      activities: '{% $activities %}',
      stop: { maxErrorRate: plan.maxErrorRate, ...(plan.maxP99LatencyMs !== undefined ? { maxP99LatencyMs: plan.maxP99LatencyMs } : {}) },
    }),
    assign: {
      summaries: '{% $append($summaries, [$states.result.Payload]) %}',
      breached: '{% $count($states.result.Payload.breaches) > 0 %}',
    },
    outputs: '{% $states.input %}',
  });
  aggregate.addCatch(reportFailure, catchAll);

  const report = tasks.CallAwsService.jsonata(scope, 'WriteReport', {
    comment: 'The JSON report of the run, in the lake',
    service: 's3',
    action: 'putObject',
    iamAction: perms.WRITE_REPORT_ACTIONS[0],
    iamResources: [d.reports.bucket.arnForObjects(`${plan.reportPrefix}*`)],
    parameters: {
      Bucket: d.reports.bucket.bucketName,
      Key: `{% ${JSON.stringify(plan.reportPrefix)} & $runId & ".json" %}`,
      ContentType: 'application/json',
      Body: '{% $string({"reportFormatVersion": 1, "runId": $runId, "endpointName": $endpointName, '
        + `"targetVariant": ${d.targetVariant ? JSON.stringify(d.targetVariant) : 'null'}, "status": $status, "stopReason": $stopReason, `
        + '"failure": $failure, "startedAt": $startedAt, '
        + `"guards": {"maxTotalRequests": ${plan.totalRequests}, "maxDurationSeconds": ${plan.maxDurationSeconds}}, `
        + '"phases": $summaries}, true) %}',
    },
    outputs: `{% {"status": $status, "report": "s3://" & ${JSON.stringify(d.reports.bucket.bucketName)} & "/" & `
      + `${JSON.stringify(plan.reportPrefix)} & $runId & ".json", "stopReason": $stopReason} %}`,
  });
  report.addRetry(SDK_RETRY);

  const stoppedEarly = sfn.Fail.jsonata(scope, 'StoppedEarly', {
    comment: 'A stopping condition was breached: the endpoint did not pass the load test',
    error: 'LoadTest.StoppedEarly',
    cause: '{% $stopReason %}',
  });
  const failed = sfn.Fail.jsonata(scope, 'Failed', {
    comment: 'A step failed; the error and cause are those of the failed step',
    error: '{% $type($failure.Error) = "string" ? $failure.Error : "LoadTest.Failed" %}',
    cause: '{% $type($failure.Cause) = "string" ? $failure.Cause : "a step failed" %}',
  });
  const passed = new sfn.Succeed(scope, 'Passed', { comment: 'Every phase ran and none breached a stopping condition' });
  report.next(sfn.Choice.jsonata(scope, 'Outcome', { comment: 'The run\'s outcome' })
    .when(sfn.Condition.jsonata('{% $status = "STOPPED_EARLY" %}'), stoppedEarly)
    .when(sfn.Condition.jsonata('{% $status = "FAILED" %}'), failed)
    .otherwise(passed));
  reportFailure.next(report);

  const markStopped = sfn.Pass.jsonata(scope, 'MarkStopped', {
    comment: 'The phase breached a stopping condition: no further phase runs',
    assign: { status: 'STOPPED_EARLY', stopReason: `{% "phase " & ${p}.name & ": " & $join($summaries[-1].breaches, "; ") %}` },
  });
  markStopped.next(report);
  const nextPhase = sfn.Pass.jsonata(scope, 'NextPhase', { comment: 'On to the next phase', assign: { i: '{% $i + 1 %}' } });
  nextPhase.next(before);
  const check = sfn.Choice.jsonata(scope, 'CheckStopConditions', { comment: 'Stop early, go on, or report' })
    .when(sfn.Condition.jsonata('{% $breached %}'), markStopped)
    .when(sfn.Condition.jsonata('{% $i + 1 < $count($phases) %}'), nextPhase)
    .otherwise(report);

  return prepare.next(before).next(drive).next(after).next(scalingMap).next(aggregate).next(check);
}
