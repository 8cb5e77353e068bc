import { Aws, Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BatchRoles } from './batch-roles';
import { BatchConfig } from './batch-validate';
import { prune } from './training-state';
import type { BatchTransformProps } from '../batch-transform';

/**
 * Errors of the AWS SDK integration (ListModelPackages, CreateModel, DeleteModel) that a retry can cure: SageMaker's transient common
 * errors (https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html), named `SageMaker.<ErrorCode>Exception` by the
 * integration, an unmodelled one (throttling) as `SageMaker.SageMakerException`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
const SDK_RETRY: sfn.RetryProps = {
  interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL,
};
const TRANSIENT_SDK_ERRORS = [
  'SageMaker.ThrottlingException',
  'SageMaker.InternalFailureException',
  'SageMaker.ServiceUnavailableException',
  'SageMaker.SageMakerException',
];
/** Retries of a throttled CreateTransformJob (the optimized integration names throttling only in the cause). */
const THROTTLE_RETRIES = 6;
const THROTTLED = "($states.input.Error = 'SageMaker.AmazonSageMakerException' and $contains($states.input.Cause, 'Error Code: ThrottlingException'))";

/**
 * The states of a run: choose the input (the execution's `inputPrefix`, the key of the S3 object whose creation started it, or the
 * configured prefix) and check it is under the configured prefix; with a package, find it (the latest approved one, or the given
 * version) and define the run's model from it; run the transform job (.sync) into `<outputPrefix><runId>/`; delete the run's model,
 * whether the job succeeded or not. Every failure ends in Failed with the failed step's error and cause.
 */
export function defineBatchStates(scope: Construct, props: BatchTransformProps, cfg: BatchConfig, roles: BatchRoles): sfn.IChainable {
  const inputLiteral = JSON.stringify(cfg.inputPrefix);
  const bucketName = props.input.bucket.bucketName;
  const name = `'${cfg.jobNamePrefix}-' & $runId`;

  const prepare = sfn.Pass.jsonata(scope, 'NameRun', {
    comment: 'A run id per execution (the job and the run\'s model are named <prefix>-<runId>), and the input to score',
    assign: {
      runId: '{% $uuid() %}',
      throttleRetries: 0,
      failure: null,
      inputPrefix: '{% $type($states.input.detail.object.key) = \'string\' ? $states.input.detail.object.key : '
        + `($type($states.input.inputPrefix) = 'string' ? $states.input.inputPrefix : ${inputLiteral}) %}`,
    },
  });
  const invalidInput = sfn.Fail.jsonata(scope, 'InvalidRunInput', {
    comment: 'The input to score is not under the configured prefix (the model may read only that)',
    error: 'InvalidRunInput',
    cause: `{% 'The input ' & $string($inputPrefix) & ' is not under the prefix ' & ${inputLiteral} & ' of the input zone' %}`,
  });
  const checkInput = sfn.Choice.jsonata(scope, 'CheckRunInput', { comment: 'Only keys under the configured input prefix' });

  const failed = sfn.Fail.jsonata(scope, 'Failed', {
    comment: 'A step failed; the error and cause are those of the failed step',
    error: '{% $failure.Error %}',
    cause: '{% $failure.Cause %}',
  });
  const rememberFailure = { errors: [sfn.Errors.ALL], assign: { failure: '{% $states.errorOutput %}' } };

  // --- The model. ----------------------------------------------------------------------------------------------------------
  let modelName: string;
  let first: sfn.IChainable | undefined;
  let beforeTransform: sfn.INextable | undefined;
  let deleteAfter: { success: tasks.CallAwsService; failure: sfn.IChainable } | undefined;
  if (cfg.fromPackage) {
    const registry = props.model.registry!;
    modelName = `{% ${name} %}`;
    const createModel = tasks.CallAwsService.jsonata(scope, 'DefineModel', {
      comment: 'Defines the run\'s model from the model package',
      service: 'sagemaker',
      action: 'createModel',
      iamAction: 'sagemaker:CreateModel',
      iamResources: [roles.modelsArn],
      parameters: prune({
        ModelName: `{% ${name} %}`,
        ExecutionRoleArn: roles.modelRole!.roleArn,
        Containers: [{ ModelPackageName: '{% $modelPackageArn %}' }],
        EnableNetworkIsolation: props.networkIsolation ?? false,
        VpcConfig: roles.subnetIds
          ? { Subnets: roles.subnetIds, SecurityGroupIds: roles.securityGroups!.map((sg) => sg.securityGroupId) }
          : undefined,
      }),
      outputs: '{% $states.input %}',
    });
    createModel.addRetry({ ...SDK_RETRY, errors: TRANSIENT_SDK_ERRORS });
    createModel.addCatch(failed, rememberFailure);
    if (props.model.version === undefined) {
      const find = tasks.CallAwsService.jsonata(scope, 'FindApprovedModel', {
        comment: 'The latest approved model package of the registry',
        service: 'sagemaker',
        action: 'listModelPackages',
        iamAction: 'sagemaker:ListModelPackages',
        iamResources: ['*'],
        parameters: {
          ModelPackageGroupName: registry.modelPackageGroupName,
          ModelApprovalStatus: 'Approved',
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: 1,
        },
        assign: {
          modelPackageArn: "{% ($s := $states.result.ModelPackageSummaryList; $type($s[0].ModelPackageArn) = 'string' ? $s[0].ModelPackageArn : null) %}",
        },
        outputs: '{% $states.input %}',
      });
      find.addRetry({ ...SDK_RETRY, errors: TRANSIENT_SDK_ERRORS });
      find.addCatch(failed, rememberFailure);
      const none = sfn.Fail.jsonata(scope, 'NoApprovedModelPackage', {
        comment: 'The registry has no approved model package: nothing to score with',
        error: 'NoApprovedModelPackage',
        cause: `The model package group ${registry.modelPackageGroupName} has no approved model package; nothing was scored`,
      });
      find.next(sfn.Choice.jsonata(scope, 'ApprovedModelFound', { comment: 'An approved package exists' })
        .when(sfn.Condition.jsonata("{% $type($modelPackageArn) = 'string' %}"), createModel)
        .otherwise(none));
      first = find;
    } else {
      first = sfn.Pass.jsonata(scope, 'ChooseModelPackage', {
        comment: `Version ${props.model.version} of the model package group`,
        assign: { modelPackageArn: registry.modelPackageArn(props.model.version) },
      }).next(createModel);
    }
    beforeTransform = createModel;
    const deleteModel = (id: string, comment: string) => {
      const del = tasks.CallAwsService.jsonata(scope, id, {
        comment,
        service: 'sagemaker',
        action: 'deleteModel',
        iamAction: 'sagemaker:DeleteModel',
        iamResources: [roles.modelsArn],
        parameters: { ModelName: `{% ${name} %}` },
        outputs: '{% $states.input %}',
      });
      del.addRetry({ ...SDK_RETRY, errors: TRANSIENT_SDK_ERRORS });
      return del;
    };
    const deleteOnSuccess = deleteModel('DeleteModel', 'The run\'s model is deleted once its job ended (the package stays)');
    // A model that cannot be deleted does not fail a run whose job succeeded: the run succeeds and says so.
    deleteOnSuccess.addCatch(sfn.Succeed.jsonata(scope, 'ScoredModelNotDeleted', {
      comment: 'The input was scored, but the run\'s model could not be deleted',
      outputs: '{% {"transformJobName": $jobName, "outputUri": $outputUri, "modelPackageArn": $modelPackageArn, "deleteError": $states.input.Error} %}',
    }), { errors: [sfn.Errors.ALL] });
    const deleteOnFailure = deleteModel('DeleteModelAfterFailure', 'The run\'s model is deleted after a failed job; the run then fails with the job\'s error');
    deleteOnFailure.addCatch(failed, { errors: [sfn.Errors.ALL] });
    deleteOnFailure.next(failed);
    deleteAfter = { success: deleteOnSuccess, failure: deleteOnFailure };
  } else {
    modelName = props.model.servingModel!.modelName;
  }

  // --- The transform job. --------------------------------------------------------------------------------------------------
  const outputUri = props.output.s3Uri(cfg.outputPrefix);
  const captureUri = props.dataCapture && cfg.capturePrefix !== undefined ? props.dataCapture.zone.s3Uri(cfg.capturePrefix) : undefined;
  const transform = new sfn.CustomState(scope, 'Transform', {
    stateJson: {
      Type: 'Task',
      Comment: 'Runs the transform job and waits for it to end (.sync)',
      Resource: `arn:${Aws.PARTITION}:states:::sagemaker:createTransformJob.sync`,
      TimeoutSeconds: cfg.maxRuntime.toSeconds(),
      Arguments: prune({
        TransformJobName: `{% ${name} %}`,
        ModelName: modelName,
        BatchStrategy: cfg.batchStrategy,
        MaxPayloadInMB: cfg.maxPayloadMb,
        MaxConcurrentTransforms: props.maxConcurrentTransforms,
        ModelClientConfig: props.invocationTimeout || props.invocationRetries !== undefined ? prune({
          InvocationsTimeoutInSeconds: props.invocationTimeout?.toSeconds(),
          InvocationsMaxRetries: props.invocationRetries,
        }) : undefined,
        Environment: props.environment,
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `{% 's3://${bucketName}/' & $inputPrefix %}` } },
          ContentType: cfg.contentType,
          SplitType: cfg.splitType,
        },
        TransformOutput: {
          S3OutputPath: `{% '${outputUri}' & $runId & '/' %}`,
          Accept: props.accept,
          AssembleWith: cfg.assembleWith,
          KmsKeyId: props.output.encryptionKey?.keyArn,
        },
        TransformResources: {
          InstanceType: cfg.instanceType.name,
          InstanceCount: cfg.instanceCount,
          VolumeKmsKeyId: cfg.volumeKey?.keyArn,
        },
        DataProcessing: cfg.joinSource !== 'None' || props.inputFilter || props.outputFilter ? prune({
          JoinSource: cfg.joinSource,
          InputFilter: props.inputFilter,
          OutputFilter: props.outputFilter,
        }) : undefined,
        DataCaptureConfig: captureUri ? prune({
          DestinationS3Uri: captureUri,
          KmsKeyId: props.dataCapture!.zone.encryptionKey?.keyArn,
          GenerateInferenceId: props.dataCapture!.generateInferenceId ?? true,
        }) : undefined,
        Tags: props.jobTags ? Object.entries(props.jobTags).map(([Key, Value]) => ({ Key, Value })) : undefined,
      }),
      Assign: { jobName: `{% ${name} %}`, outputUri: `{% '${outputUri}' & $runId & '/' %}` },
      Output: '{% $states.input %}',
    },
  });
  transform.addRetry({
    errors: ['SageMaker.ThrottlingException'], interval: Duration.seconds(10), maxAttempts: 6, backoffRate: 2,
    maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL,
  });
  const onFailure = deleteAfter ? deleteAfter.failure : failed;
  const waitThrottled = sfn.Wait.jsonata(scope, 'WaitAfterThrottling', {
    comment: 'CreateTransformJob was throttled: back off, then call it again with the same job name',
    time: sfn.WaitTime.seconds('{% $min([300, 10 * $power(2, $throttleRetries)]) %}'),
    assign: { throttleRetries: '{% $throttleRetries + 1 %}' },
  });
  waitThrottled.next(transform);
  const retry = sfn.Choice.jsonata(scope, 'RetryTransform', { comment: 'Retries a throttled CreateTransformJob (the job was not created)' })
    .when(sfn.Condition.jsonata(`{% ${THROTTLED} and $throttleRetries < ${THROTTLE_RETRIES} %}`), waitThrottled, { comment: 'Throttled' })
    .otherwise(onFailure);
  transform.addCatch(retry, { errors: [sfn.Errors.ALL], assign: { failure: '{% $states.errorOutput %}' } });

  const scored = sfn.Succeed.jsonata(scope, 'Scored', {
    comment: 'The input was scored into the run\'s output prefix',
    outputs: `{% {"transformJobName": $jobName, "outputUri": $outputUri${cfg.fromPackage ? ', "modelPackageArn": $modelPackageArn' : ''}} %}`,
  });
  if (deleteAfter) {
    transform.next(deleteAfter.success);
    deleteAfter.success.next(scored);
  } else {
    transform.next(scored);
  }
  beforeTransform?.next(transform);

  checkInput
    .when(sfn.Condition.jsonata(`{% $type($inputPrefix) = 'string' and $substring($inputPrefix, 0, $length(${inputLiteral})) = ${inputLiteral} %}`),
      first ?? transform, { comment: 'Under the configured prefix' })
    .otherwise(invalidInput);
  return prepare.next(checkInput);
}
