import { Template } from 'aws-cdk-lib/assertions';
import jsonata from 'jsonata';
import { fixture, pipeline, stateMachineDefinition } from './fixtures';

function synth() {
  const f = fixture();
  pipeline(f);
  const template = Template.fromStack(f.stack);
  return { template, definition: stateMachineDefinition(template.toJSON()) };
}

const SELF = 'arn:aws:states:us-east-1:123456789012:execution:Churn:self';

/** The count, on a ListExecutions result as the API reference shapes it (`executions[].executionArn`) or capitalized. */
async function otherRuns(expression: string, executionArns: string[], capitalized = true): Promise<unknown> {
  const body = expression.replace(/^\{%/, '').replace(/%\}$/, '');
  const result = capitalized
    ? { Executions: executionArns.map((ExecutionArn) => ({ ExecutionArn, Status: 'RUNNING' })) }
    : { executions: executionArns.map((executionArn) => ({ executionArn, status: 'RUNNING' })) };
  return jsonata(body).evaluate({}, { states: { result, context: { Execution: { Id: SELF } } } });
}

describe('TrainingPipeline: no overlapping runs', () => {
  test('a run first lists the RUNNING executions of its own state machine, and ends as a no-op if another is running', () => {
    const { definition } = synth();
    expect(definition.States.NameTrainingJob.Next).toBe('CheckOtherRuns');
    const check = definition.States.CheckOtherRuns;
    expect(check).toMatchObject({
      Type: 'Task',
      Resource: 'arn:<ref>:states:::aws-sdk:sfn:listExecutions',
      Arguments: { StateMachineArn: '{% $states.context.StateMachine.Id %}', StatusFilter: 'RUNNING', MaxResults: 100 },
      Next: 'OtherRunInProgress',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
    });
    const choice = definition.States.OtherRunInProgress;
    expect(choice.Choices).toEqual([{ Condition: '{% $otherRuns > 0 %}', Next: 'AnotherRunInProgress', Comment: 'Another execution is running' }]);
    expect(choice.Default).toBe('CheckRunInput');
    expect(definition.States.AnotherRunInProgress.Type).toBe('Succeed');
  });

  test('the count leaves out this execution (evaluated with jsonata)', async () => {
    const expression = synth().definition.States.CheckOtherRuns.Assign.otherRuns;
    expect(await otherRuns(expression, [SELF])).toBe(0);
    expect(await otherRuns(expression, [])).toBe(0);
    expect(await otherRuns(expression, [SELF, `${SELF}-2`])).toBe(1);
    expect(await otherRuns(expression, [`${SELF}-2`, SELF, `${SELF}-3`])).toBe(2);
  });

  test('the count reads the API reference\'s field names too (executions[].executionArn)', async () => {
    const expression = synth().definition.States.CheckOtherRuns.Assign.otherRuns;
    expect(await otherRuns(expression, [SELF], false)).toBe(0);
    expect(await otherRuns(expression, [], false)).toBe(0);
    expect(await otherRuns(expression, [`${SELF}-2`, SELF], false)).toBe(1);
    expect(await otherRuns(expression, [`${SELF}-2`, SELF, `${SELF}-3`], false)).toBe(2);
  });

  test('the state machine role may list the executions of its own state machine only, in a policy of its own', () => {
    const { template } = synth();
    const policies = Object.entries<any>(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('ChurnOverlapCheckPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toEqual([
      { Action: 'states:ListExecutions', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^ChurnStateMachine/) } },
    ]);
    expect(policies[0][1].Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^ChurnStateMachineRole/) }]);
    // The state machine does not wait for that policy (it would depend on itself).
    const machine = Object.entries<any>(template.findResources('AWS::StepFunctions::StateMachine'))[0][1];
    expect(JSON.stringify(machine.DependsOn ?? [])).not.toMatch(/OverlapCheckPolicy/);
  });
});
