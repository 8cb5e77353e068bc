/**
 * The states of an inference recommendation run (JSONata): name the job, create it, describe it every minute until it ends (a bounded
 * number of polls, then stop it), write its recommendations to the lake and notify; a failed, stopped or overdue job, and any failed
 * step, notifies and fails.
 *
 * Sources: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceRecommendationsJob.html (the request),
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeInferenceRecommendationsJob.html (Status PENDING | IN_PROGRESS |
 * COMPLETED | FAILED | STOPPING | STOPPED | DELETING | DELETED, FailureReason, InferenceRecommendations, EndpointPerformances),
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StopInferenceRecommendationsJob.html, and the AWS SDK integrations
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html: errors are `<Service>.<ErrorName>`).
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as perms from './perms';
import { POLL_SECONDS, RecommendationPlan } from './private-recommendation-plan';
import { ILakeZone } from '../data-lake';

export interface RecommendationDefinitionInputs {
  readonly plan: RecommendationPlan;
  readonly modelPackageArn: string;
  readonly jobRole: iam.IRole;
  readonly jobsArn: string;
  readonly samplePayloadZone: ILakeZone;
  readonly contentTypes?: string[];
  readonly domain?: string;
  readonly task?: string;
  readonly reports: ILakeZone;
  readonly topic: sns.ITopic;
  readonly path: string;
}

/**
 * SageMaker's transient errors (https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html), and S3's, as Step Functions
 * names them: `<Service>.<Error>`, with `Exception` added where the service's own name has none
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
const SDK_RETRY: sfn.RetryProps = {
  errors: ['SageMaker.ThrottlingException', 'SageMaker.SageMakerException', 'SageMaker.InternalFailureException', 'SageMaker.ServiceUnavailableException',
    'S3.S3Exception', 'S3.InternalErrorException', 'S3.SlowDownException'],
  interval: Duration.seconds(5), maxAttempts: 5, backoffRate: 2, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL,
};
const SNS_RETRY: sfn.RetryProps = {
  errors: ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KMSThrottlingException'],
  interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2,
};

export function defineRecommendationStates(scope: Construct, d: RecommendationDefinitionInputs): sfn.IChainable {
  const { plan } = d;
  const bucket = d.reports.bucket.bucketName;
  const reportUri = `{% "s3://" & ${JSON.stringify(bucket)} & "/" & ${JSON.stringify(plan.reportPrefix)} & $jobName & ".json" %}`;

  const prepare = sfn.Pass.jsonata(scope, 'NameJob', {
    comment: 'A new job name per run: <prefix>-<uuid> (CreateInferenceRecommendationsJob JobName, at most 64 characters)',
    assign: { jobName: `{% ${JSON.stringify(plan.jobNamePrefix)} & "-" & $uuid() %}`, polls: 0, job: null, status: 'PENDING', failure: null },
  });

  const failed = sfn.Fail.jsonata(scope, 'Failed', {
    comment: 'The job did not complete, or a step failed: the error and cause say which',
    error: '{% $failure.error %}',
    cause: '{% $failure.cause %}',
  });
  const notifyFailure = publish(scope, 'NotifyFailure', d, 'did not complete',
    '{% $string({"recommendation": ' + JSON.stringify(d.path) + ', "jobName": $jobName, "status": $status, "execution": '
    + '$states.context.Execution.Id, "error": $failure.error, "cause": $failure.cause}) %}');
  // A notification that cannot be sent must not hide the failure: Failed keeps the recorded error and cause.
  notifyFailure.addCatch(failed, { errors: [sfn.Errors.ALL] });
  notifyFailure.next(failed);

  const recordError = sfn.Pass.jsonata(scope, 'RecordError', {
    comment: 'A step failed: its error and cause',
    assign: {
      status: 'ERROR',
      failure: '{% {"error": $type($states.input.Error) = "string" ? $states.input.Error : "InferenceRecommendation.StepFailed", '
        + '"cause": $type($states.input.Cause) = "string" ? $states.input.Cause : "a step failed"} %}',
    },
  });
  recordError.next(notifyFailure);
  const catchAll = { errors: [sfn.Errors.ALL] };

  const inputConfig: Record<string, unknown> = {
    ModelPackageVersionArn: d.modelPackageArn,
    JobDurationInSeconds: plan.jobSeconds,
    ContainerConfig: {
      ...(d.domain ? { Domain: d.domain } : {}),
      ...(d.task ? { Task: d.task } : {}),
      PayloadConfig: {
        SamplePayloadUrl: `s3://${d.samplePayloadZone.bucket.bucketName}/${plan.samplePayloadKey}`,
        ...(d.contentTypes ? { SupportedContentTypes: d.contentTypes } : {}),
      },
    },
    ...(plan.instanceTypes ? { EndpointConfigurations: plan.instanceTypes.map((t) => ({ InstanceType: t })) } : {}),
    ...(plan.phases ? { TrafficPattern: { TrafficType: 'PHASES', Phases: plan.phases } } : {}),
    ...(plan.resourceLimit ? { ResourceLimit: plan.resourceLimit } : {}),
  };
  const create = tasks.CallAwsService.jsonata(scope, 'CreateJob', {
    comment: `Starts the ${plan.jobType} Inference Recommender job`,
    service: 'sagemaker',
    action: 'createInferenceRecommendationsJob',
    iamAction: perms.RECOMMENDATION_JOB_ACTIONS[0],
    iamResources: [d.jobsArn],
    parameters: {
      JobName: '{% $jobName %}',
      JobType: plan.jobType,
      RoleArn: d.jobRole.roleArn,
      JobDescription: `cdk-mlops: ${d.path}`.slice(0, 128),
      InputConfig: inputConfig,
      StoppingConditions: plan.stopping,
    },
    assign: { jobArn: '{% $states.result.JobArn %}' },
    outputs: '{% $states.input %}',
  });
  const wait = sfn.Wait.jsonata(scope, 'WaitForJob', {
    comment: `Inference Recommender jobs take minutes to hours: look every ${POLL_SECONDS} seconds`,
    time: sfn.WaitTime.duration(Duration.seconds(POLL_SECONDS)),
  });
  // A transient error is retried with the same name, so a retry cannot start a second job. If an attempt did start the job and
  // its answer was lost (a 5XX or a timeout), the retry is refused because the name is taken ("The name must be unique within the
  // AWS Region and within your AWS account", API_CreateInferenceRecommendationsJob): the job is this run's own (the name holds a
  // UUID of this run), so it is polled like any other, and stopped if it overruns, instead of being left running unwatched.
  create.addRetry(SDK_RETRY);
  create.addCatch(wait, { errors: ['SageMaker.ResourceInUseException'] });
  create.addCatch(recordError, catchAll);
  const describe = tasks.CallAwsService.jsonata(scope, 'DescribeJob', {
    comment: 'The job\'s status, and its recommendations once it completed',
    service: 'sagemaker',
    action: 'describeInferenceRecommendationsJob',
    iamAction: perms.RECOMMENDATION_JOB_ACTIONS[1],
    iamResources: [d.jobsArn],
    parameters: { JobName: '{% $jobName %}' },
    assign: { polls: '{% $polls + 1 %}', status: '{% $states.result.Status %}', job: '{% $states.result %}' },
    outputs: '{% $states.input %}',
  });
  describe.addRetry(SDK_RETRY);
  describe.addCatch(recordError, catchAll);

  const write = tasks.CallAwsService.jsonata(scope, 'WriteRecommendations', {
    comment: 'The job\'s recommendations as JSON, in the lake (the zone\'s default encryption: its KMS key)',
    service: 's3',
    action: 'putObject',
    iamAction: perms.WRITE_RECOMMENDATIONS_ACTIONS[0],
    iamResources: [d.reports.bucket.arnForObjects(`${plan.reportPrefix}*`)],
    parameters: {
      Bucket: bucket,
      Key: `{% ${JSON.stringify(plan.reportPrefix)} & $jobName & ".json" %}`,
      ContentType: 'application/json',
      Body: '{% $string({"reportFormatVersion": 1, "jobName": $jobName, "jobArn": $job.JobArn, "jobType": $job.JobType, '
        + '"status": $job.Status, "modelPackageArn": $job.InputConfig.ModelPackageVersionArn, "execution": $states.context.Execution.Id, '
        + '"createdAt": $job.CreationTime, "completedAt": $job.CompletionTime, '
        + '"inferenceRecommendations": $exists($job.InferenceRecommendations) ? $job.InferenceRecommendations : [], '
        + '"endpointPerformances": $exists($job.EndpointPerformances) ? $job.EndpointPerformances : [], '
        + '"inputConfig": $job.InputConfig, "stoppingConditions": $job.StoppingConditions}, true) %}',
    },
    assign: { report: reportUri },
    outputs: '{% $states.input %}',
  });
  write.addRetry(SDK_RETRY);
  write.addCatch(recordError, catchAll);

  const notifyCompleted = publish(scope, 'NotifyCompleted', d, 'completed',
    '{% $string({"recommendation": ' + JSON.stringify(d.path) + ', "jobName": $jobName, "status": "COMPLETED", "execution": '
    + '$states.context.Execution.Id, "report": $report, '
    + '"recommendations": [$job.InferenceRecommendations.{"instanceType": EndpointConfiguration.InstanceType, '
    + '"initialInstanceCount": EndpointConfiguration.InitialInstanceCount, "costPerHour": Metrics.CostPerHour, '
    + '"costPerInference": Metrics.CostPerInference, "maxInvocations": Metrics.MaxInvocations, "modelLatencyMs": Metrics.ModelLatency}], '
    + '"endpointPerformances": [$job.EndpointPerformances.{"endpointName": EndpointInfo.EndpointName, '
    + '"maxInvocations": Metrics.MaxInvocations, "modelLatencyMs": Metrics.ModelLatency}]}) %}');
  const recommended = new sfn.Succeed(scope, 'Recommended', { comment: 'The recommendations are in the lake and the topic has their summary' });
  // The recommendations are written: a notification that cannot be sent does not undo them (the execution's history shows it).
  notifyCompleted.addCatch(new sfn.Succeed(scope, 'RecommendedWithoutNotification', { comment: 'Written to the lake; the topic refused the summary' }),
    { errors: [sfn.Errors.ALL] });
  write.next(notifyCompleted).next(recommended);

  const recordFailed = sfn.Pass.jsonata(scope, 'RecordJobFailed', {
    comment: 'The job failed: its FailureReason',
    assign: { failure: '{% {"error": "InferenceRecommendation.JobFailed", "cause": $type($job.FailureReason) = "string" ? $job.FailureReason '
      + ': "the job failed without a reason"} %}' },
  });
  recordFailed.next(notifyFailure);
  const recordStopped = sfn.Pass.jsonata(scope, 'RecordJobStopped', {
    comment: 'The job was stopped (StopInferenceRecommendationsJob) before it completed',
    assign: { failure: '{% {"error": "InferenceRecommendation.JobStopped", "cause": "the job " & $jobName & " was stopped before it completed"} %}' },
  });
  recordStopped.next(notifyFailure);

  const stop = tasks.CallAwsService.jsonata(scope, 'StopJob', {
    comment: `The job has not ended after ${plan.maxPolls} polls: stop it, so that its endpoints are deleted`,
    service: 'sagemaker',
    action: 'stopInferenceRecommendationsJob',
    iamAction: perms.RECOMMENDATION_JOB_ACTIONS[2],
    iamResources: [d.jobsArn],
    parameters: { JobName: '{% $jobName %}' },
    outputs: '{% $states.input %}',
  });
  stop.addRetry(SDK_RETRY);
  const recordOverdue = sfn.Pass.jsonata(scope, 'RecordPollLimit', {
    comment: 'The job ran past its polls',
    assign: {
      status: 'TIMED_OUT',
      failure: `{% {"error": "InferenceRecommendation.PollLimitReached", "cause": "the job " & $jobName & " had not ended after ${plan.maxPolls} `
        + `polls (${plan.maxPolls} minutes); the state machine asked SageMaker to stop it"} %}`,
    },
  });
  // A job that cannot be stopped (it has just ended) is still overdue: report it.
  stop.addCatch(recordOverdue, catchAll);
  stop.next(recordOverdue);
  recordOverdue.next(notifyFailure);

  const outcome = sfn.Choice.jsonata(scope, 'JobStatus', { comment: 'Completed, failed, stopped, overdue, or still running' })
    .when(sfn.Condition.jsonata('{% $status = "COMPLETED" %}'), write)
    .when(sfn.Condition.jsonata('{% $status = "FAILED" %}'), recordFailed)
    .when(sfn.Condition.jsonata('{% $status = "STOPPED" %}'), recordStopped)
    .when(sfn.Condition.jsonata(`{% $polls >= ${plan.maxPolls} %}`), stop)
    .otherwise(wait);

  return prepare.next(create).next(wait).next(describe).next(outcome);
}

function publish(scope: Construct, id: string, d: RecommendationDefinitionInputs, what: string, message: string): tasks.SnsPublish {
  const task = tasks.SnsPublish.jsonata(scope, id, {
    comment: `A JSON summary to the alert topic: the inference recommendation ${what}`,
    topic: d.topic,
    subject: `Inference recommendation ${what}`.slice(0, 100),
    message: sfn.TaskInput.fromText(message),
    outputs: '{% $states.input %}',
  });
  task.addRetry(SNS_RETRY);
  return task;
}
