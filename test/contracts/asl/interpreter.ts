import { createHash } from 'crypto';
import jsonata from 'jsonata';

/**
 * A small interpreter of the Amazon States Language (https://states-language.net/spec.html) for JSONata state machines, the
 * states and fields the library uses: Pass, Task, Choice, Wait, Succeed, Fail; Arguments, Output, Assign, Retry (IntervalSeconds,
 * MaxAttempts, BackoffRate, MaxDelaySeconds, JitterStrategy), Catch, TimeoutSeconds, `$states`. Every expression is evaluated by
 * the `jsonata` package (2.0.x, the version Step Functions documents:
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html); the interpreter evaluates none itself.
 * Time is virtual: waits, retry backoff and task durations advance a clock, nothing sleeps.
 */

/** What a Task state asks of the world. */
export interface TaskCall {
  readonly state: string;
  readonly resource: string;
  readonly arguments: any;
  /** 0 for the first attempt, then 1, 2... for retries. */
  readonly attempt: number;
  /** Virtual seconds since the execution started. */
  readonly time: number;
  /** The ARN of the execution making the call. */
  readonly execution: string;
}

/** How the world answers: a result, or an error as the integration reports it; optionally how long the task ran. */
export type TaskAnswer =
  | { readonly result: any; readonly seconds?: number }
  | { readonly error: string; readonly cause?: string; readonly seconds?: number };

export type TaskResponder = (call: TaskCall) => TaskAnswer;

/** One event of the execution history, in the order it happened. */
export type HistoryEvent =
  | { type: 'StateEntered'; state: string; input: any; time: number }
  | { type: 'TaskScheduled'; state: string; resource: string; arguments: any; attempt: number; time: number }
  | { type: 'TaskFailed'; state: string; error: string; cause?: string; time: number }
  | { type: 'TaskSucceeded'; state: string; result: any; time: number }
  | { type: 'RetryScheduled'; state: string; error: string; retrier: number; delaySeconds: number; time: number }
  | { type: 'Caught'; state: string; error: string; catcher: number; next: string; time: number }
  | { type: 'Waited'; state: string; seconds: number; time: number }
  | { type: 'StateExited'; state: string; output: any; time: number }
  | { type: 'MapIterationStarted'; state: string; index: number; time: number }
  | { type: 'MapIterationSucceeded'; state: string; index: number; time: number }
  | { type: 'MapIterationFailed'; state: string; index: number; error: string; cause?: string; time: number };

export interface Execution {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly output?: any;
  readonly error?: string;
  readonly cause?: string;
  /** The states entered, in order. */
  readonly path: string[];
  readonly history: HistoryEvent[];
  /** The workflow variables at the end. */
  readonly variables: Record<string, any>;
  /** Virtual seconds the execution took. */
  readonly seconds: number;
}

export interface ExecutionOptions {
  readonly tasks: TaskResponder;
  /** The Execution part of the context object (`$states.context.Execution`). */
  readonly executionName?: string;
  readonly stateMachineArn?: string;
  readonly roleArn?: string;
  /** Seeds `$uuid()`, `$random()` and full jitter, so that runs are reproducible. */
  readonly seed?: number;
  /** A ceiling on state transitions, against loops in a broken definition. */
  readonly maxTransitions?: number;
}

/** An error a state raises: a name (`States.TaskFailed`, `SageMaker.AmazonSageMakerException`...) and a cause. */
export class StatesError extends Error {
  constructor(public readonly error: string, public readonly cause?: string) {
    super(`${error}: ${cause ?? ''}`);
  }
}

const START = Date.parse('2026-01-05T09:00:00.000Z');
const TERMINAL_UNCATCHABLE = new Set(['States.DataLimitExceeded', 'States.Runtime']);

/** Runs a state machine definition on an input. */
export async function execute(definition: any, input: any, options: ExecutionOptions): Promise<Execution> {
  return new Interpreter(definition, options).run(input);
}

/** How a Map iteration runs: its clock, the variables it sees, the history it writes to, the parent's random numbers. */
interface ChildRun {
  readonly clock: number;
  readonly variables: Record<string, any>;
  readonly history: HistoryEvent[];
  readonly rng: () => number;
  readonly context: any;
}

class Interpreter {
  private clock = 0;
  private readonly history: HistoryEvent[] = [];
  private readonly path: string[] = [];
  private variables: Record<string, any> = {};
  private rng: () => number;
  private readonly context: any;

  constructor(private readonly definition: any, private readonly options: ExecutionOptions, child?: ChildRun) {
    if ((definition.QueryLanguage ?? 'JSONPath') !== 'JSONata') {
      throw new Error('the contract interpreter runs JSONata state machines only (QueryLanguage: JSONata)');
    }
    if (child) {
      this.clock = child.clock;
      this.variables = { ...child.variables };
      this.history = child.history;
      this.rng = child.rng;
      this.context = child.context;
      return;
    }
    this.rng = mulberry32(options.seed ?? 1);
    const name = options.executionName ?? 'contract-run';
    const sm = options.stateMachineArn ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:contract';
    this.context = {
      Execution: { Id: `${sm.replace(':stateMachine:', ':execution:')}:${name}`, Name: name, RoleArn: options.roleArn, StartTime: iso(START) },
      StateMachine: { Id: sm, Name: sm.split(':').pop() },
    };
  }

  public async run(input: any, child = false): Promise<Execution> {
    if (!child) {
      this.context.Execution.Input = input;
    }
    const timeout = this.definition.TimeoutSeconds;
    let stateName: string = this.definition.StartAt;
    let value = input;
    let transitions = 0;
    const end = (e: Omit<Execution, 'path' | 'history' | 'variables' | 'seconds'>): Execution =>
      ({ ...e, path: this.path, history: this.history, variables: this.variables, seconds: this.clock });
    while (true) {
      if (++transitions > (this.options.maxTransitions ?? 1000)) {
        throw new Error(`more than ${this.options.maxTransitions ?? 1000} transitions: a loop?`);
      }
      const state = this.definition.States[stateName];
      if (!state) {
        throw new Error(`no state ${stateName}`);
      }
      this.path.push(stateName);
      this.history.push({ type: 'StateEntered', state: stateName, input: value, time: this.clock });
      let step: Step;
      try {
        step = await this.step(stateName, state, value);
      } catch (e) {
        if (e instanceof StatesError) {
          return end({ status: 'FAILED', error: e.error, cause: e.cause });
        }
        throw e;
      }
      if (timeout !== undefined && this.clock > timeout) {
        // https://states-language.net/spec.html#toplevelfields: TimeoutSeconds, then States.Timeout.
        return end({ status: 'TIMED_OUT', error: 'States.Timeout', cause: `the execution ran longer than ${timeout} seconds` });
      }
      if (step.kind === 'fail') {
        return end({ status: 'FAILED', error: step.error, cause: step.cause });
      }
      this.history.push({ type: 'StateExited', state: stateName, output: step.output, time: this.clock });
      if (step.kind === 'end') {
        return end({ status: 'SUCCEEDED', output: step.output });
      }
      stateName = step.next;
      value = step.output;
    }
  }

  private async step(name: string, state: any, input: any): Promise<Step> {
    const entered = iso(START + this.clock * 1000);
    const states = (extra: any = {}) => ({ input, context: { ...this.context, State: { Name: name, EnteredTime: entered } }, ...extra });
    const finish = async (env: any, defaultOutput: any, assign: any, output: any, next?: string, endFlag?: boolean): Promise<Step> => {
      // Assign and Output are evaluated against the variables as they were when the state was entered.
      const out = output === undefined ? defaultOutput : await this.evaluate(output, env);
      if (assign !== undefined) {
        const values = await this.evaluate(assign, env);
        this.variables = { ...this.variables, ...values };
      }
      return endFlag ? { kind: 'end', output: out } : { kind: 'next', next: next!, output: out };
    };
    switch (state.Type) {
      case 'Pass':
        return finish(states(), input, state.Assign, state.Output, state.Next, state.End);
      case 'Succeed':
        return finish(states(), input, undefined, state.Output, undefined, true);
      case 'Fail': {
        const env = states();
        return {
          kind: 'fail',
          error: state.Error !== undefined ? await this.evaluate(state.Error, env) : undefined,
          cause: state.Cause !== undefined ? await this.evaluate(state.Cause, env) : undefined,
        };
      }
      case 'Wait': {
        const env = states();
        let seconds: number;
        if (state.Seconds !== undefined) {
          seconds = Number(await this.evaluate(state.Seconds, env));
        } else if (state.Timestamp !== undefined) {
          seconds = Math.max(0, (Date.parse(await this.evaluate(state.Timestamp, env)) - (START + this.clock * 1000)) / 1000);
        } else {
          throw new Error(`${name}: Wait needs Seconds or Timestamp`);
        }
        this.clock += seconds;
        this.history.push({ type: 'Waited', state: name, seconds, time: this.clock });
        return finish(env, input, state.Assign, state.Output, state.Next, state.End);
      }
      case 'Choice': {
        const env = states();
        for (const rule of state.Choices) {
          const matched = await this.evaluate(rule.Condition, env);
          if (typeof matched !== 'boolean') {
            throw new StatesError('States.QueryEvaluationError', `${name}: a Condition evaluated to ${JSON.stringify(matched)}, not a boolean`);
          }
          if (matched) {
            return finish(env, input, rule.Assign, rule.Output, rule.Next);
          }
        }
        if (state.Default === undefined) {
          throw new StatesError('States.NoChoiceMatched', `${name}: no choice rule matched and there is no Default`);
        }
        return finish(env, input, state.Assign, state.Output, state.Default);
      }
      case 'Task':
        return this.withErrorHandling(name, state, states, async () => this.taskAttempt(name, state, input, states));
      case 'Map':
        return this.withErrorHandling(name, state, states, async () => this.mapAttempt(name, state, input, states));
      default:
        throw new Error(`${name}: state type ${state.Type} is not supported by the contract interpreter`);
    }
  }

  /** One attempt of a Task: its Arguments, the world's answer, TimeoutSeconds. Resolves to the result. */
  private async taskAttempt(name: string, state: any, input: any, states: (extra?: any) => any): Promise<any> {
    const attempt = this.attempt;
    const args = state.Arguments === undefined ? input : await this.evaluate(state.Arguments, states());
    this.history.push({ type: 'TaskScheduled', state: name, resource: state.Resource, arguments: args, attempt, time: this.clock });
    const answer = this.options.tasks({
      state: name, resource: state.Resource, arguments: args, attempt, time: this.clock, execution: this.context.Execution.Id,
    });
    const seconds = answer.seconds ?? 0;
    if (state.TimeoutSeconds !== undefined && seconds > state.TimeoutSeconds) {
      this.clock += state.TimeoutSeconds;
      throw new StatesError('States.Timeout', `${name} ran longer than its TimeoutSeconds (${state.TimeoutSeconds})`);
    }
    this.clock += seconds;
    if ('error' in answer) {
      throw new StatesError(answer.error, answer.cause);
    }
    this.history.push({ type: 'TaskSucceeded', state: name, result: answer.result, time: this.clock });
    return answer.result;
  }

  /**
   * One attempt of a Map (https://states-language.net/spec.html#map-state,
   * https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html): `Items` (an array or an expression; the state input by
   * default) must be an array; each item's input is `ItemSelector` evaluated with `$states.context.Map.Item.{Index, Value}` (the
   * item itself by default); the ItemProcessor runs once per item, at most `MaxConcurrency` at once (0 or absent: no limit), each
   * iteration starting when a slot frees, on the virtual clock; the result is the array of the iterations' outputs, in item order.
   * An inline iteration sees the outer variables; a distributed child workflow does not
   * (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html). A failed iteration fails the Map with its
   * error, unless the Distributed Map tolerates it (ToleratedFailureCount / ToleratedFailurePercentage: the failed share of all
   * items; exceeding either fails the Map with States.ExceedToleratedFailureThreshold:
   * https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
   */
  private async mapAttempt(name: string, state: any, input: any, states: (extra?: any) => any): Promise<any> {
    if (state.ItemsPath !== undefined || state.Parameters !== undefined || state.Iterator !== undefined) {
      throw new Error(`${name}: ItemsPath, Parameters and Iterator are JSONPath fields; a JSONata Map uses Items, ItemSelector and ItemProcessor`);
    }
    if (state.ItemReader !== undefined || state.ResultWriter !== undefined || state.ItemBatcher !== undefined) {
      throw new Error(`${name}: ItemReader, ResultWriter and ItemBatcher are not implemented by the contract interpreter`);
    }
    const items = state.Items === undefined ? input : await this.evaluate(state.Items, states());
    if (!Array.isArray(items)) {
      throw new StatesError('States.QueryEvaluationError', `${name}: Items must be an array, got ${JSON.stringify(items)}`);
    }
    const processor = state.ItemProcessor;
    const distributed = processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
    let max = state.MaxConcurrency === undefined ? 0 : await this.evaluate(state.MaxConcurrency, states());
    if (!Number.isInteger(max) || max < 0) {
      throw new StatesError('States.QueryEvaluationError', `${name}: MaxConcurrency must be a whole number >= 0, got ${JSON.stringify(max)}`);
    }
    if (max === 0) {
      max = Math.max(1, items.length);
    }
    const tolerated = distributed ? {
      count: state.ToleratedFailureCount === undefined ? undefined : await this.evaluate(state.ToleratedFailureCount, states()),
      percentage: state.ToleratedFailurePercentage === undefined ? undefined : await this.evaluate(state.ToleratedFailurePercentage, states()),
    } : undefined;
    if (!distributed && (state.ToleratedFailureCount !== undefined || state.ToleratedFailurePercentage !== undefined)) {
      throw new Error(`${name}: ToleratedFailureCount and ToleratedFailurePercentage are fields of a Distributed Map only`);
    }
    const start = this.clock;
    const slots: number[] = Array.from({ length: Math.min(max, Math.max(1, items.length)) }, () => start);
    const outputs: any[] = [];
    const failures: { index: number; error: StatesError }[] = [];
    for (let index = 0; index < items.length; index++) {
      // The iteration takes the slot that frees first.
      const slot = slots.indexOf(Math.min(...slots));
      const begin = slots[slot];
      const mapContext = { ...this.context, Map: { Item: { Index: index, Value: items[index] } } };
      const itemInput = state.ItemSelector === undefined ? items[index]
        : await this.evaluate(state.ItemSelector, { input, context: { ...mapContext, State: { Name: name } } });
      const childContext = distributed
        ? { Execution: { ...this.context.Execution, Id: `${this.context.Execution.Id}/${name}:${index}`, Input: itemInput }, StateMachine: this.context.StateMachine }
        : this.context;
      const child = new Interpreter({ QueryLanguage: 'JSONata', ...processor }, this.options, {
        clock: begin, variables: distributed ? {} : this.variables, history: this.history, rng: this.rng, context: childContext,
      });
      this.history.push({ type: 'MapIterationStarted', state: name, index, time: begin });
      const run = await child.run(itemInput, true);
      slots[slot] = run.seconds;
      if (run.status === 'SUCCEEDED') {
        this.history.push({ type: 'MapIterationSucceeded', state: name, index, time: run.seconds });
        outputs.push(run.output);
      } else {
        this.history.push({ type: 'MapIterationFailed', state: name, index, error: run.error ?? 'States.TaskFailed', cause: run.cause, time: run.seconds });
        failures.push({ index, error: new StatesError(run.error ?? 'States.TaskFailed', run.cause) });
        outputs.push(undefined);
      }
    }
    this.clock = Math.max(start, ...slots);
    if (failures.length > 0) {
      if (!tolerated) {
        // An inline Map fails with the error of its first failed iteration.
        throw failures[0].error;
      }
      // A Map Run tolerates 0% of failed items by default.
      const overCount = tolerated.count !== undefined && failures.length > tolerated.count;
      const overPercentage = (100 * failures.length) / items.length > (tolerated.percentage ?? (tolerated.count === undefined ? 0 : 100));
      if (overCount || overPercentage) {
        throw new StatesError('States.ExceedToleratedFailureThreshold',
          `${name}: ${failures.length} of ${items.length} iterations failed (first: ${failures[0].error.error})`);
      }
      // The AWS pages do not say what the result array holds for a tolerated failed item without a ResultWriter.
      throw new Error(`${name}: ${failures.length} tolerated failures: the result of a Map with tolerated failures is not modelled`);
    }
    return outputs;
  }

  /** The attempt number of the state being run (0, then 1, 2... for retries). */
  private attempt = 0;

  /**
   * Runs a Task's or Map's attempts with its Retry and Catch: the first retrier whose ErrorEquals matches decides; when its
   * MaxAttempts are used up, the error goes to Catch; then Output and Assign see `$states.result`.
   */
  private async withErrorHandling(name: string, state: any, states: (extra?: any) => any, attemptOnce: () => Promise<any>): Promise<Step> {
    const counts: number[] = (state.Retry ?? []).map(() => 0);
    this.attempt = 0;
    while (true) {
      let error: StatesError;
      try {
        const result = await attemptOnce();
        const env = states({ result });
        const out = state.Output === undefined ? result : await this.evaluate(state.Output, env);
        if (state.Assign !== undefined) {
          this.variables = { ...this.variables, ...(await this.evaluate(state.Assign, env)) };
        }
        return state.End ? { kind: 'end', output: out } : { kind: 'next', next: state.Next, output: out };
      } catch (e) {
        if (!(e instanceof StatesError)) {
          throw e;
        }
        error = e;
      }
      this.history.push({ type: 'TaskFailed', state: name, error: error.error, cause: error.cause, time: this.clock });
      const r = (state.Retry ?? []).findIndex((retrier: any) => matches(retrier.ErrorEquals, error.error));
      if (r >= 0) {
        const retrier = state.Retry[r];
        const maxAttempts = retrier.MaxAttempts ?? 3;
        if (counts[r] < maxAttempts) {
          let delay = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, counts[r]);
          if (retrier.MaxDelaySeconds !== undefined) {
            delay = Math.min(delay, retrier.MaxDelaySeconds);
          }
          if (retrier.JitterStrategy === 'FULL') {
            delay = this.rng() * delay;
          }
          counts[r]++;
          this.attempt++;
          this.clock += delay;
          this.history.push({ type: 'RetryScheduled', state: name, error: error.error, retrier: r, delaySeconds: delay, time: this.clock });
          continue;
        }
      }
      const c = (state.Catch ?? []).findIndex((catcher: any) => matches(catcher.ErrorEquals, error.error));
      if (c < 0) {
        throw error;
      }
      const catcher = state.Catch[c];
      this.history.push({ type: 'Caught', state: name, error: error.error, catcher: c, next: catcher.Next, time: this.clock });
      const errorOutput = { Error: error.error, Cause: error.cause };
      const env = states({ errorOutput });
      const out = catcher.Output === undefined ? errorOutput : await this.evaluate(catcher.Output, env);
      if (catcher.Assign !== undefined) {
        this.variables = { ...this.variables, ...(await this.evaluate(catcher.Assign, env)) };
      }
      return { kind: 'next', next: catcher.Next, output: out };
    }
  }

  /**
   * Evaluates a JSONata field: a string `{% expr %}` is an expression; objects and arrays are evaluated member by member;
   * anything else is a literal. The bindings are `$states` and the workflow variables, plus the functions Step Functions adds
   * to JSONata ($partition, $range, $hash, $random, $uuid, $parse:
   * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html#jsonata-functions).
   */
  public async evaluate(template: any, states: any): Promise<any> {
    if (typeof template === 'string') {
      const m = /^\{%([\s\S]*)%\}$/.exec(template);
      if (!m) {
        return template;
      }
      let value: any;
      try {
        value = await jsonata(m[1]).evaluate({}, { ...this.variables, states, ...this.functions() });
      } catch (e: any) {
        throw new StatesError('States.QueryEvaluationError', `${m[1].trim()}: ${e.message}`);
      }
      return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
    }
    if (Array.isArray(template)) {
      const out = [];
      for (const v of template) {
        out.push(await this.evaluate(v, states));
      }
      return out;
    }
    if (template !== null && typeof template === 'object') {
      const out: any = {};
      for (const [k, v] of Object.entries(template)) {
        const value = await this.evaluate(v, states);
        if (value !== undefined) {
          out[k] = value;
        }
      }
      return out;
    }
    return template;
  }

  private functions() {
    const rng = this.rng;
    return {
      uuid: () => {
        const h = createHash('sha256').update(String(rng())).digest('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
      },
      random: () => rng(),
      parse: (s: string) => JSON.parse(s),
      hash: (data: string, algorithm: string) => createHash(algorithm.replace('-', '').toLowerCase()).update(data).digest('hex'),
      partition: (a: any[], size: number) => Array.from({ length: Math.ceil(a.length / size) }, (_v, i) => a.slice(i * size, i * size + size)),
      range: (start: number, end: number, step: number) => Array.from({ length: Math.floor((end - start) / step) + 1 }, (_v, i) => start + i * step),
    };
  }
}

type Step = { kind: 'next'; next: string; output: any } | { kind: 'end'; output: any } | { kind: 'fail'; error?: string; cause?: string };

/**
 * Whether a retrier's or catcher's ErrorEquals matches an error name
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-error-representation):
 * `States.ALL` matches every error but the terminal States.DataLimitExceeded and States.Runtime; `States.TaskFailed` matches
 * every error but States.Timeout.
 */
export function matches(errorEquals: string[], error: string): boolean {
  return errorEquals.some((e) => e === error
    || (e === 'States.ALL' && !TERMINAL_UNCATCHABLE.has(error))
    || (e === 'States.TaskFailed' && error !== 'States.Timeout' && !TERMINAL_UNCATCHABLE.has(error)));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
