/** IAM actions of the deployment capability, in one place so that reviews see every permission we grant. */

/** What a first stage needs to find the newest approved version (ListModelPackages authorizes on no resource type). */
export const LIST_MODEL_PACKAGES_ACTIONS = ['sagemaker:ListModelPackages'];

/** What every stage needs to read its stack (and a later stage, the previous stage's stack). */
export const DESCRIBE_STACK_ACTIONS = ['cloudformation:DescribeStacks'];

/** What a stage needs to update its stack with the previous template and a new parameter value. */
export const UPDATE_STACK_ACTIONS = ['cloudformation:UpdateStack'];

/** What a stage needs to hand CloudFormation its deploy role. */
export const PASS_ROLE_ACTIONS = ['iam:PassRole'];

/** What a cross-account stage needs to call CloudFormation through the target's bootstrap deploy role. */
export const ASSUME_ROLE_ACTIONS = ['sts:AssumeRole'];

/** What a smoke test needs to invoke the endpoint. */
export const INVOKE_ACTIONS = ['sagemaker:InvokeEndpoint'];

/** What a smoke test needs to read the stage's alarms. */
export const DESCRIBE_ALARMS_ACTIONS = ['cloudwatch:DescribeAlarms'];

/** What a first stage needs to check the version an approval named (its status and group). */
export const DESCRIBE_MODEL_PACKAGE_ACTIONS = ['sagemaker:DescribeModelPackage'];

/** What the approval router needs to start the pipeline. */
export const START_PIPELINE_ACTIONS = ['codepipeline:StartPipelineExecution'];
