/**
 * The Amazon States Language (JSONata) of the approval router: the state machine the registry's approval rule starts with the
 * EventBridge event as its input. It starts the pipeline with the version the event names (an approval: that version; a rejection:
 * 'latest', the newest version still approved) in the pipeline variable the first stage reads, so that approving an earlier
 * version deploys that version, and a rejection rolls back to the newest approved one.
 *
 * AWS references:
 * - The event (detail.ModelPackageArn, detail.ModelApprovalStatus; id):
 *   https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package
 * - StartPipelineExecution (name, variables[].name/value: any non-empty value; clientRequestToken, 1-128 of [a-zA-Z0-9-];
 *   pipelineExecutionId; ConcurrentPipelineExecutionsLimitExceededException, ConflictException):
 *   https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StartPipelineExecution.html
 * - Pipeline-level variables (#{variables.<name>}, a default when the start names none):
 *   https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html#reference-variables-workflow
 * - SDK integration errors are `<Service>.<Error>`: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */

/** The pipeline variable the router sets and the first stage reads. */
export const REQUESTED_PACKAGE_VARIABLE = 'ModelPackageArn';
/** Its value when the newest approved version is to be deployed (a rejection, or a start that names no version). */
export const LATEST = 'latest';

export interface ApprovalRouterProps {
  readonly partition: string;
  readonly pipelineName: string;
}

export function approvalRouterDefinition(p: ApprovalRouterProps): any {
  return {
    Comment: `Starts the deployment pipeline ${p.pipelineName} with the model package version an approval names`,
    QueryLanguage: 'JSONata',
    TimeoutSeconds: 600,
    StartAt: 'StartPipeline',
    States: {
      StartPipeline: {
        Type: 'Task',
        Comment: 'An approval deploys the version it names; a rejection deploys the newest version still approved',
        Resource: `arn:${p.partition}:states:::aws-sdk:codepipeline:startPipelineExecution`,
        Arguments: {
          Name: p.pipelineName,
          Variables: [{
            Name: REQUESTED_PACKAGE_VARIABLE,
            Value: '{% $states.input.detail.ModelApprovalStatus = \'Approved\' and $type($states.input.detail.ModelPackageArn) = \'string\' '
              + `and $states.input.detail.ModelPackageArn != '' ? $states.input.detail.ModelPackageArn : '${LATEST}' %}`,
          }],
          // EventBridge delivers an event at least once: a redelivery carries the same id and starts no second execution.
          ClientRequestToken: "{% $substring($join($split($string($states.input.id), /[^a-zA-Z0-9-]/), '-'), 0, 128) %}",
        },
        Retry: [{
          ErrorEquals: ['CodePipeline.ThrottlingException', 'CodePipeline.ConcurrentPipelineExecutionsLimitExceededException',
            'CodePipeline.ConflictException'],
          IntervalSeconds: 10, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: 'FULL',
        }],
        Output: '{% {"pipelineExecutionId": $states.result.PipelineExecutionId, "approvalStatus": $states.input.detail.ModelApprovalStatus, '
          + '"modelPackageArn": $states.input.detail.ModelPackageArn} %}',
        End: true,
      },
    },
  };
}
