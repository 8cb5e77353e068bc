import { TaskResponder, execute, matches } from './interpreter';

// The interpreter replays examples of the Amazon States Language specification and of the Step Functions developer guide,
// with the outcomes those pages document. Each example says where it comes from.
const SPEC_RETRY = 'https://states-language.net/spec.html#retrying-after-error';
const GUIDE_ERRORS = 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html';
const GUIDE_CHOICE = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html';
const GUIDE_VARIABLES = 'https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html';
const GUIDE_JSONATA = 'https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html';
const GUIDE_WAIT = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html';

/** A machine with one task `T` (with the given Retry/Catch) that ends, and the states the catchers go to. */
function oneTask(fields: any, extraStates: any = {}) {
  return { QueryLanguage: 'JSONata', StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...fields }, ...extraStates } };
}
/** A responder that raises the given errors in turn, then succeeds. */
function failing(...errors: string[]): TaskResponder {
  return ({ attempt }) => (attempt < errors.length ? { error: errors[attempt], cause: `attempt ${attempt}` } : { result: { ok: true } });
}
const delays = (e: { history: any[] }) => e.history.filter((h) => h.type === 'RetryScheduled').map((h) => h.delaySeconds);

describe(`Retry (${SPEC_RETRY}, ${GUIDE_ERRORS})`, () => {
  test('IntervalSeconds 3, MaxAttempts 2, BackoffRate 1.5: two retries, after waits of 3 and 4.5 seconds', async () => {
    const def = oneTask({ Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 }] });
    const ok = await execute(def, {}, { tasks: failing('States.Timeout', 'States.Timeout') });
    expect(ok.status).toBe('SUCCEEDED');
    expect(delays(ok)).toEqual([3, 4.5]);
    const exhausted = await execute(def, {}, { tasks: failing('States.Timeout', 'States.Timeout', 'States.Timeout') });
    expect({ status: exhausted.status, error: exhausted.error, delays: delays(exhausted) }).toEqual({ status: 'FAILED', error: 'States.Timeout', delays: [3, 4.5] });
  });

  test('ErrorA, ErrorB, ErrorC, ErrorB: waits of 1, 2 and 5 seconds, then the first retrier is exhausted and Catch takes over', async () => {
    const def = oneTask({
      Retry: [
        { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 },
        { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'MyEndState' }],
    }, { MyEndState: { Type: 'Succeed' } });
    const e = await execute(def, {}, { tasks: failing('ErrorA', 'ErrorB', 'ErrorC', 'ErrorB') });
    expect(delays(e)).toEqual([1, 2, 5]);
    expect(e.path).toEqual(['T', 'MyEndState']);
    expect(e.output).toEqual({ Error: 'ErrorB', Cause: 'attempt 3' });
  });

  test('the defaults are IntervalSeconds 1, MaxAttempts 3 and BackoffRate 2.0', async () => {
    const e = await execute(oneTask({ Retry: [{ ErrorEquals: ['E'] }] }), {}, { tasks: failing('E', 'E', 'E', 'E') });
    expect({ status: e.status, delays: delays(e) }).toEqual({ status: 'FAILED', delays: [1, 2, 4] });
  });

  test('MaxAttempts 0 never retries: "retry all errors except States.Timeout"', async () => {
    const def = oneTask({ Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 0 }, { ErrorEquals: ['States.ALL'] }] });
    const timeout = await execute(def, {}, { tasks: failing('States.Timeout') });
    expect({ status: timeout.status, delays: delays(timeout) }).toEqual({ status: 'FAILED', delays: [] });
    const other = await execute(def, {}, { tasks: failing('Other') });
    expect({ status: other.status, delays: delays(other) }).toEqual({ status: 'SUCCEEDED', delays: [1] });
  });

  test('MaxDelaySeconds caps the interval: 3, 6, then 8 and 8 with a cap of 8', async () => {
    const def = oneTask({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 4, MaxDelaySeconds: 8 }] });
    expect(delays(await execute(def, {}, { tasks: failing('E', 'E', 'E', 'E') }))).toEqual([3, 6, 8, 8]);
  });

  test('JitterStrategy FULL picks each interval at random between 0 and the capped interval', async () => {
    const def = oneTask({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 60, JitterStrategy: 'FULL' }] });
    const d = delays(await execute(def, {}, { tasks: failing('E', 'E', 'E', 'E', 'E'), seed: 7 }));
    const caps = [10, 20, 40, 60, 60];
    expect(d).toHaveLength(5);
    d.forEach((x, i) => {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(caps[i]);
    });
    expect(d.some((x, i) => x < caps[i])).toBe(true);
  });
});

describe(`error names and Catch (${GUIDE_ERRORS})`, () => {
  test('States.ALL matches any error but the terminal States.DataLimitExceeded and States.Runtime', () => {
    expect(matches(['States.ALL'], 'SageMaker.AmazonSageMakerException')).toBe(true);
    expect(matches(['States.ALL'], 'States.Timeout')).toBe(true);
    expect(matches(['States.ALL'], 'States.DataLimitExceeded')).toBe(false);
    expect(matches(['States.ALL'], 'States.Runtime')).toBe(false);
  });

  test('States.TaskFailed matches any error except States.Timeout', () => {
    expect(matches(['States.TaskFailed'], 'SageMaker.ResourceLimitExceeded')).toBe(true);
    expect(matches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
  });

  test('error names match exactly, case-sensitively', () => {
    expect(matches(['SageMaker.ThrottlingException'], 'SageMaker.AmazonSageMakerException')).toBe(false);
    expect(matches(['errora'], 'ErrorA')).toBe(false);
  });

  test('the first catcher that matches wins, and its Output defaults to the error output {Error, Cause}', async () => {
    const def = oneTask({
      Catch: [
        { ErrorEquals: ['java.lang.Exception'], Next: 'RecoveryState', Output: '{% {"recovered": $states.errorOutput.Error} %}' },
        { ErrorEquals: ['States.ALL'], Next: 'EndState' },
      ],
    }, { RecoveryState: { Type: 'Succeed' }, EndState: { Type: 'Succeed' } });
    const java = await execute(def, {}, { tasks: failing('java.lang.Exception') });
    expect({ path: java.path, output: java.output }).toEqual({ path: ['T', 'RecoveryState'], output: { recovered: 'java.lang.Exception' } });
    const other = await execute(def, {}, { tasks: failing('Other') });
    expect({ path: other.path, output: other.output }).toEqual({ path: ['T', 'EndState'], output: { Error: 'Other', Cause: 'attempt 0' } });
  });

  test('an error no catcher matches fails the execution with that error and cause', async () => {
    const e = await execute(oneTask({ Catch: [{ ErrorEquals: ['X'], Next: 'S' }] }, { S: { Type: 'Succeed' } }), {}, { tasks: failing('Y') });
    expect({ status: e.status, error: e.error, cause: e.cause }).toEqual({ status: 'FAILED', error: 'Y', cause: 'attempt 0' });
  });

  test('a task that runs longer than its TimeoutSeconds fails with States.Timeout', async () => {
    const e = await execute(oneTask({ TimeoutSeconds: 60 }), {}, { tasks: () => ({ result: {}, seconds: 61 }) });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'States.Timeout' });
  });

  test('an execution that runs longer than the machine\'s TimeoutSeconds times out', async () => {
    const def = { ...oneTask({}), TimeoutSeconds: 3600 };
    const e = await execute(def, {}, { tasks: () => ({ result: {}, seconds: 3601 }) });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });
});

describe(`Choice with JSONata conditions (${GUIDE_CHOICE})`, () => {
  const def = {
    QueryLanguage: 'JSONata',
    StartAt: 'ChoiceStateX',
    States: {
      ChoiceStateX: {
        Type: 'Choice',
        Choices: [
          { Condition: '{% $states.input.type != \'Private\' %}', Next: 'Public' },
          { Condition: '{% $states.input.value >= 20 and $states.input.value < 30 %}', Next: 'ValueInTwenties' },
        ],
        Default: 'DefaultState',
      },
      Public: { Type: 'Succeed' },
      ValueInTwenties: { Type: 'Succeed' },
      DefaultState: { Type: 'Fail', Error: 'DefaultStateError', Cause: 'No Matches!' },
    },
  };
  const none = () => ({ result: {} });

  test.each([
    [{ type: 'Public', value: 25 }, ['ChoiceStateX', 'Public'], 'SUCCEEDED'],
    [{ type: 'Private', value: 25 }, ['ChoiceStateX', 'ValueInTwenties'], 'SUCCEEDED'],
    [{ type: 'Private', value: 30 }, ['ChoiceStateX', 'DefaultState'], 'FAILED'],
  ])('input %j takes %j', async (input, path, status) => {
    const e = await execute(def, input, { tasks: none });
    expect({ path: e.path, status: e.status }).toEqual({ path, status });
  });

  test('the Default Fail state reports its Error and Cause', async () => {
    const e = await execute(def, { type: 'Private', value: 1 }, { tasks: none });
    expect({ error: e.error, cause: e.cause }).toEqual({ error: 'DefaultStateError', cause: 'No Matches!' });
  });

  test('without a Default, no match fails with States.NoChoiceMatched', async () => {
    const { Default: _d, ...noDefault } = def.States.ChoiceStateX;
    const e = await execute({ ...def, States: { ...def.States, ChoiceStateX: noDefault } }, { type: 'Private', value: 1 }, { tasks: none });
    expect(e.error).toBe('States.NoChoiceMatched');
  });
});

describe(`variables, Assign and Output (${GUIDE_VARIABLES}, ${GUIDE_JSONATA})`, () => {
  test('Assign evaluates every expression with the variables as they were on entering the state', async () => {
    const def = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: '{% $x + 1 %}', y: '{% $x %}' }, Output: '{% {"xSeen": $x} %}', Next: 'C' },
        C: { Type: 'Succeed', Output: '{% {"x": $x, "y": $y, "input": $states.input} %}' },
      },
    };
    const e = await execute(def, {}, { tasks: () => ({ result: {} }) });
    expect(e.output).toEqual({ x: 2, y: 1, input: { xSeen: 1 } });
  });

  test('a Task\'s Arguments see $states.input, and its Output and Assign see $states.result', async () => {
    const def = {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true,
          Arguments: { FunctionName: 'f', Payload: { n: '{% $states.input.n * 2 %}' } },
          Output: '{% $states.result.Payload %}',
          Assign: { status: '{% $states.result.StatusCode %}' },
        },
      },
    };
    const e = await execute(def, { n: 21 }, { tasks: ({ arguments: a }) => ({ result: { StatusCode: 200, Payload: { doubled: a.Payload.n } } }) });
    expect({ output: e.output, variables: e.variables }).toEqual({ output: { doubled: 42 }, variables: { status: 200 } });
    expect(e.history.find((h) => h.type === 'TaskScheduled')).toMatchObject({ arguments: { FunctionName: 'f', Payload: { n: 42 } } });
  });

  test('a Task without Output passes its result on; a Pass without Output passes its input on', async () => {
    const def = {
      QueryLanguage: 'JSONata', StartAt: 'P',
      States: { P: { Type: 'Pass', Next: 'T' }, T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
    };
    const e = await execute(def, { a: 1 }, { tasks: ({ arguments: a }) => ({ result: { got: a } }) });
    expect(e.output).toEqual({ got: { a: 1 } });
  });

  test('$states.context carries the execution id and name', async () => {
    const def = { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Succeed', Output: '{% $states.context.Execution %}' } } };
    const e = await execute(def, { i: 1 }, { tasks: () => ({ result: {} }), executionName: 'run-1', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m' });
    expect(e.output).toMatchObject({ Id: 'arn:aws:states:us-east-1:123456789012:execution:m:run-1', Name: 'run-1', Input: { i: 1 } });
  });

  test('an expression that fails to evaluate raises States.QueryEvaluationError', async () => {
    const def = { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Succeed', Output: '{% $number("not a number") %}' } } };
    const e = await execute(def, {}, { tasks: () => ({ result: {} }) });
    expect(e.error).toBe('States.QueryEvaluationError');
  });

  test('$uuid() gives a version-4 UUID, reproducible with the seed', async () => {
    const def = { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Succeed', Output: '{% $uuid() %}' } } };
    const a = await execute(def, {}, { tasks: () => ({ result: {} }), seed: 3 });
    const b = await execute(def, {}, { tasks: () => ({ result: {} }), seed: 3 });
    expect(a.output).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.output).toBe(b.output);
  });
});

describe(`Wait (${GUIDE_WAIT})`, () => {
  test('Seconds from an expression advances the virtual clock by that much', async () => {
    const def = {
      QueryLanguage: 'JSONata', StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: '{% $states.input.delay %}', Next: 'S' }, S: { Type: 'Succeed' } },
    };
    const e = await execute(def, { delay: 10 }, { tasks: () => ({ result: {} }) });
    expect({ seconds: e.seconds, output: e.output }).toEqual({ seconds: 10, output: { delay: 10 } });
  });

  test('Timestamp waits until that time', async () => {
    const def = {
      QueryLanguage: 'JSONata', StartAt: 'W',
      States: { W: { Type: 'Wait', Timestamp: '2026-01-05T09:01:30Z', End: true } },
    };
    expect((await execute(def, {}, { tasks: () => ({ result: {} }) })).seconds).toBe(90);
  });
});

const SPEC_MAP = 'https://states-language.net/spec.html#map-state';
const GUIDE_MAP = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html';
const GUIDE_DIST_MAP = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html';
const GUIDE_THRESHOLD = 'https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html';

/** A machine whose one state is a Map `M` over a processor with one task `Work`, then ends. */
function oneMap(fields: any, processor: any = {}, extraStates: any = {}) {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Work',
          States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: '{% $states.input %}', End: true } },
          ...processor,
        },
        End: true,
        ...fields,
      },
      ...extraStates,
    },
  };
}
const echo: TaskResponder = ({ arguments: a }) => ({ result: a, seconds: 10 });

describe(`Map (${SPEC_MAP}, ${GUIDE_MAP})`, () => {
  test('runs the processor once per item of Items, in order, with ItemSelector seeing $states.context.Map.Item', async () => {
    const def = oneMap({
      Items: '{% $states.input.xs %}',
      ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}', k: '{% $states.input.k %}' },
    });
    const e = await execute(def, { xs: ['a', 'b', 'c'], k: 7 }, { tasks: echo });
    expect(e.status).toBe('SUCCEEDED');
    expect(e.output).toEqual([{ i: 0, v: 'a', k: 7 }, { i: 1, v: 'b', k: 7 }, { i: 2, v: 'c', k: 7 }]);
  });

  test('iterates over the state input by default, and fails with States.QueryEvaluationError when Items is not an array', async () => {
    expect((await execute(oneMap({}), [1, 2], { tasks: echo })).output).toEqual([1, 2]);
    const e = await execute(oneMap({ Items: '{% $states.input.none %}' }), { none: 5 }, { tasks: echo });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });

  test('an empty Items gives an empty result at once', async () => {
    const e = await execute(oneMap({ Items: [] }), {}, { tasks: echo });
    expect({ output: e.output, seconds: e.seconds }).toEqual({ output: [], seconds: 0 });
  });

  test('MaxConcurrency 2 runs four 10-second iterations in 20 seconds; 0 (no limit) in 10', async () => {
    const two = await execute(oneMap({ Items: [1, 2, 3, 4], MaxConcurrency: 2 }), {}, { tasks: echo });
    expect(two.seconds).toBe(20);
    const starts = two.history.filter((h) => h.type === 'MapIterationStarted').map((h) => h.time);
    expect(starts).toEqual([0, 0, 10, 10]);
    expect((await execute(oneMap({ Items: [1, 2, 3, 4], MaxConcurrency: 0 }), {}, { tasks: echo })).seconds).toBe(10);
  });

  test('the Map\'s Output and Assign see the array of results as $states.result', async () => {
    const e = await execute(oneMap({ Items: [1, 2, 3], Output: '{% $sum($states.result) %}', Assign: { n: '{% $count($states.result) %}' } }), {},
      { tasks: echo });
    expect({ output: e.output, n: e.variables.n }).toEqual({ output: 6, n: 3 });
  });

  test(`an inline iteration sees the outer variables; a distributed child workflow does not (${GUIDE_VARIABLES})`, async () => {
    const withOuter = (mode: string) => ({
      QueryLanguage: 'JSONata',
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { outer: 5 }, Next: 'M' },
        M: {
          Type: 'Map', Items: [1], End: true,
          ItemProcessor: {
            ProcessorConfig: { Mode: mode, ExecutionType: 'EXPRESS' },
            StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $exists($outer) ? $outer : "none" %}', End: true } },
          },
        },
      },
    });
    expect((await execute(withOuter('INLINE'), {}, { tasks: echo })).output).toEqual([5]);
    expect((await execute(withOuter('DISTRIBUTED'), {}, { tasks: echo })).output).toEqual(['none']);
  });

  test('a failed inline iteration fails the Map with its error, which the Map\'s Catch can catch', async () => {
    const failOn2: TaskResponder = ({ arguments: a }) => (a === 2 ? { error: 'Boom', cause: 'item 2' } : { result: a });
    const uncaught = await execute(oneMap({ Items: [1, 2, 3] }), {}, { tasks: failOn2 });
    expect({ status: uncaught.status, error: uncaught.error, cause: uncaught.cause }).toEqual({ status: 'FAILED', error: 'Boom', cause: 'item 2' });
    const caught = await execute(oneMap({ Items: [1, 2, 3], End: undefined, Next: undefined, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }] },
      {}, { Done: { Type: 'Succeed' } }), {}, { tasks: failOn2 });
    expect({ path: caught.path, output: caught.output }).toEqual({ path: ['M', 'Done'], output: { Error: 'Boom', Cause: 'item 2' } });
  });

  test('a Map\'s Retry runs every iteration again', async () => {
    let calls = 0;
    const flaky: TaskResponder = ({ arguments: a }) => (++calls === 2 ? { error: 'Flaky' } : { result: a });
    const e = await execute(oneMap({ Items: [1, 2], Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 1 }] }), {}, { tasks: flaky });
    expect({ status: e.status, output: e.output, calls }).toEqual({ status: 'SUCCEEDED', output: [1, 2], calls: 4 });
  });

  test('fails when a JSONata Map uses the JSONPath fields ItemsPath, Parameters or Iterator', async () => {
    await expect(execute(oneMap({ ItemsPath: '$.xs' }), {}, { tasks: echo })).rejects.toThrow(/JSONPath fields/);
  });
});

describe(`Distributed Map failure thresholds (${GUIDE_DIST_MAP}, ${GUIDE_THRESHOLD})`, () => {
  const dist = (fields: any) => oneMap({ Items: [1, 2, 3, 4], ...fields }, { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' } });
  const failing2: TaskResponder = ({ arguments: a }) => (a <= 2 ? { error: 'Worker.Failed', cause: `item ${a}` } : { result: a });

  test('one failed child workflow fails the Map Run by default (0% tolerated) with States.ExceedToleratedFailureThreshold', async () => {
    const one: TaskResponder = ({ arguments: a }) => (a === 3 ? { error: 'Worker.Failed' } : { result: a });
    const e = await execute(dist({}), {}, { tasks: one });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
  });

  test('ToleratedFailureCount 1 is exceeded by 2 failed items; ToleratedFailurePercentage 25 by 2 of 4', async () => {
    expect((await execute(dist({ ToleratedFailureCount: 1 }), {}, { tasks: failing2 })).error).toBe('States.ExceedToleratedFailureThreshold');
    expect((await execute(dist({ ToleratedFailurePercentage: 25 }), {}, { tasks: failing2 })).error).toBe('States.ExceedToleratedFailureThreshold');
  });

  test('within the threshold the Map Run does not fail; the result of tolerated items is not modelled, so the interpreter says so', async () => {
    await expect(execute(dist({ ToleratedFailurePercentage: 50 }), {}, { tasks: failing2 })).rejects.toThrow(/not modelled/);
    await expect(execute(dist({ ToleratedFailureCount: 2 }), {}, { tasks: failing2 })).rejects.toThrow(/not modelled/);
  });

  test('fails when an inline Map sets a tolerated failure threshold', async () => {
    await expect(execute(oneMap({ Items: [1], ToleratedFailureCount: 1 }), {}, { tasks: echo })).rejects.toThrow(/Distributed Map only/);
  });
});
