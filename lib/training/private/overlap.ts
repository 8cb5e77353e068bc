import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeInlinePolicy } from '../../private/nag';

/**
 * The first step of a run: if another execution of the same state machine is RUNNING (a schedule, an on-demand start and a
 * drift trigger alike), the run ends at once as a clear no-op (`AnotherRunInProgress`, a Succeed state), so that two runs never
 * train at the same time. ListExecutions is eventually consistent ("the results are best effort",
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html): two starts within moments of each other
 * may both proceed; the schedule's check against the state machine's timeout covers scheduled runs.
 *
 * The permission (states:ListExecutions on the state machine) is added by `grantOverlapCheck` in a policy of its own, after the
 * state machine exists: in the role's default policy it would make the state machine depend on itself.
 */
const OTHER_RUNS = '{% ($id := $states.context.Execution.Id; $items := $append($states.result.Executions, $states.result.executions); '
  + '$count($items[($exists(ExecutionArn) ? ExecutionArn : executionArn) != $id])) %}';

export function defineOverlapCheck(scope: Construct, next: sfn.IChainable): sfn.CustomState {
  // A custom state, so that no policy is attached here (see grantOverlapCheck).
  const list = new sfn.CustomState(scope, 'CheckOtherRuns', {
    stateJson: {
      Type: 'Task',
      Comment: 'Lists the RUNNING executions of this state machine (this one included)',
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sfn:listExecutions`,
      Arguments: { StateMachineArn: '{% $states.context.StateMachine.Id %}', StatusFilter: 'RUNNING', MaxResults: 100 },
      // ListExecutions answers `executions[].executionArn` (API reference above); the SDK integration may present the fields
      // capitalized (`Executions[].ExecutionArn`), as it takes its parameters. The count reads either, so the guard holds both ways.
      Assign: { otherRuns: OTHER_RUNS },
      Output: '{% $states.input %}',
    },
  });
  list.addRetry({ errors: ['Sfn.ThrottlingException', 'Sfn.SfnException'], maxAttempts: 4, backoffRate: 2 });
  const noop = sfn.Succeed.jsonata(scope, 'AnotherRunInProgress', {
    comment: 'Another execution of this pipeline is running: this one does nothing',
    outputs: '{% {"skipped": true, "reason": "another execution of this training pipeline is running", "runningExecutions": $otherRuns} %}',
  });
  const choice = sfn.Choice.jsonata(scope, 'OtherRunInProgress', { comment: 'No overlapping runs' })
    .when(sfn.Condition.jsonata('{% $otherRuns > 0 %}'), noop, { comment: 'Another execution is running' })
    .otherwise(next);
  list.next(choice);
  return list;
}

/** states:ListExecutions on the pipeline's own state machine, in a policy apart from the role's default policy. */
export function grantOverlapCheck(scope: Construct, role: iam.IRole, stateMachine: sfn.IStateMachine): iam.Policy {
  const policy = new iam.Policy(scope, 'OverlapCheckPolicy', {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: ['states:ListExecutions'], resources: [stateMachine.stateMachineArn] })],
  });
  acknowledgeInlinePolicy(policy, 'Inline on purpose: states:ListExecutions on this pipeline\'s own state machine, for its own role only '
    + '(a policy apart from the role\'s default policy so that the state machine does not depend on itself); a managed policy could be '
    + 'attached to other principals.');
  return policy;
}
