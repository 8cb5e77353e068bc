import validateAsl from 'asl-validator';
import { glueWorld } from './asl/glue-world';
import { execute } from './asl/interpreter';
import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { PROCESSING_APPS, PROCESSING_CONTRACT, processingSubject } from './tables/processing';
import { PIPELINE_EXECUTIONS, RETRY_SCENARIO } from './tables/processing-executions';

// The processing capability's contracts (Spark jobs, lake tables, data pipelines), over its fixtures and the reference app, each
// synthesized once and shared by the IAM table and the executions.
const apps = Object.entries(PROCESSING_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: processingSubject(app, spec), definition: spec.pipeline && app.definition(spec.pipeline.stateMachine) };
});

describeIamContract('processing', apps, PROCESSING_CONTRACT);

// https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html: with CloudWatch encryption in the security
// configuration, Glue 5 writes to <prefix>/<security configuration>-role/<role name>/error and /output.
describe.each(apps.map((a) => [a.app.label, a] as const))('the Spark jobs of the %s', (_label, { subject: s }) => {
  test('define the log groups Glue writes their logs to', () => {
    const defined = s.jobs.map((j) => [j.errorLogGroupArn, j.outputLogGroupArn]);
    expect(defined).toEqual(s.jobs.map((j) => [j.glueErrorLogGroupArn, j.glueOutputLogGroupArn]));
  });
});

const withPipelines = apps.filter((a) => a.definition !== undefined);
describe.each(withPipelines.map((a) => [a.app.label, a] as const))('the data pipeline of the %s', (_label, { subject: s, definition }) => {
  const pipeline = s.spec.pipeline!;
  const hasGate = pipeline.dataQualityRuleset !== undefined;
  const runStates = Object.keys(definition.States).filter((k) => k.startsWith('Run'));
  const jobNames = s.pipelineJobNames;
  const run = (world: Parameters<typeof glueWorld>[0]) => {
    const w = glueWorld(world);
    return execute(definition, { trigger: 'schedule' }, { tasks: w.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' })
      .then((e) => ({ e, log: w.log }));
  };

  test('is valid Amazon States Language (asl-validator)', () => {
    const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
    expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
  });

  test('runs its jobs in the order given', () => {
    expect(runStates.map((st) => definition.States[st].Arguments.JobName)).toEqual(jobNames);
  });

  for (const scenario of PIPELINE_EXECUTIONS) {
    if (scenario.gate !== undefined && scenario.gate !== hasGate) {
      continue;
    }
    test(scenario.name, async () => {
      const { e } = await run(scenario.world(jobNames));
      const retries: Record<string, number> = {};
      for (const h of e.history) {
        if (h.type === 'RetryScheduled') {
          retries[h.state] = (retries[h.state] ?? 0) + 1;
        }
      }
      expect({ status: e.status, error: e.error, path: e.path, retries })
        .toEqual({ status: scenario.status, error: scenario.error, path: scenario.path(runStates), retries: scenario.retries?.(runStates) ?? {} });
    });
  }

  test('ConcurrentRunsExceeded is retried (30 s, then 60 s), and the job then runs once', async () => {
    const { e, log } = await run({ errors: { [runStates[0]]: RETRY_SCENARIO.errors } });
    expect(e.history.filter((h) => h.type === 'RetryScheduled').map((h: any) => [h.state, h.error])).toEqual(
      RETRY_SCENARIO.errors.map((x) => [runStates[0], x.error]));
    expect(log.calls.filter((c) => c.state === runStates[0])).toHaveLength(3);
    expect(e.status).toBe('SUCCEEDED');
  });

  test('on the success path, each task receives what the API reference asks for', async () => {
    const { e, log } = await run({});
    expect(e.status).toBe('SUCCEEDED');
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
    expect(log.calls[0]).toMatchObject({ state: 'CheckOtherRuns', arguments: { StateMachineArn: s.stateMachineArn, StatusFilter: 'RUNNING' } });
    // https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
    expect(log.calls.filter((c) => c.resource.endsWith('glue:startJobRun.sync')).map((c) => c.arguments)).toEqual(jobNames.map((JobName) => ({ JobName })));
    if (hasGate) {
      // https://docs.aws.amazon.com/glue/latest/webapi/API_StartDataQualityRulesetEvaluationRun.html
      expect(log.calls.find((c) => c.state === 'StartDataQualityRun')!.arguments).toEqual({
        DataSource: { GlueTable: { DatabaseName: s.gate!.databaseName, TableName: s.gate!.tableName } },
        Role: s.gate!.roleArn,
        RulesetNames: [s.gate!.rulesetName],
        NumberOfWorkers: 2,
        Timeout: 30,
        ClientToken: 'run-1',
        AdditionalRunOptions: { CloudWatchMetricsEnabled: true },
      });
      expect(log.calls.find((c) => c.state === 'GetDataQualityResult')!.arguments).toEqual({ ResultId: 'dqresult-a1b2c3d4e5f60718293a4b5c6d7e8f90' });
    }
    expect(e.output.jobRuns.map((r: any) => [r.job, r.state])).toEqual(jobNames.map((n) => [n, 'SUCCEEDED']));
  });

  if (hasGate) {
    test('a failed gate says which rules did not pass, with the score (as JSONata $string renders it: 15 significant digits)', async () => {
      const { e } = await run({ failingRules: ['IsComplete "customer_id"', 'ColumnValues "amount" >= 0'] });
      expect(e.cause).toBe(`Ruleset ${s.gate!.rulesetName} on ${s.gate!.databaseName}.${s.gate!.tableName}: score 0.333333333333333; `
        + 'rules that did not pass: IsComplete "customer_id", ColumnValues "amount" >= 0');
    });
  }

  test('a skipped run\'s output starts with {"skipped" (what succeededEventPattern() leaves out) and a full run\'s does not', async () => {
    const skipped = await run({ runningExecutions: ['arrival-1'] });
    const full = await run({});
    // Step Functions puts the execution's output, serialized, in the status change event's detail.output.
    expect([JSON.stringify(skipped.e.output).startsWith('{"skipped"'), JSON.stringify(full.e.output).startsWith('{"skipped"')]).toEqual([true, false]);
  });

  test('a failed job\'s error and cause are the run\'s', async () => {
    const { e } = await run({ jobEnds: { [jobNames[0]]: 'FAILED' } });
    expect([e.error, JSON.parse(e.cause!).JobRunState, JSON.parse(e.cause!).JobName]).toEqual(['States.TaskFailed', 'FAILED', jobNames[0]]);
  });
});
