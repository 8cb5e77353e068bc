// The jest test environment of this project: jest's Node environment, plus what a worker process shares between the
// test files it runs (jest gives each test file a fresh module registry, so a module is loaded again by every file).
//
// Shared: `@aws/cloudformation-validate`, the WASM CloudFormation validator behind the CDK's built-in validation
// (`builtinCloudFormationValidation`, on in the compliance suite). Its first engine in a process costs about 2.5 s (the
// WASM instance loads the resource schemas it caches for later engines); loaded once per worker instead of once per test
// file, and the CDK's plugin builds its engines from it as before (same rules, same options, one engine per plugin). The
// validator keeps no state between validations of a template. test/worker/cloudformation-validate.js hands the sandbox
// this one module (jest.config.js maps the package name to it).
//
// Shared: V8's compiled code of each module (a code cache, see `cachedCompileFunction`).
'use strict';
const crypto = require('crypto');
const path = require('path');
const vm = require('vm');
const { TestEnvironment } = require('jest-environment-node');

let cloudformationValidate;
/** The engines of the test file running now: freed when it ends (see `teardown`). */
const liveEngines = new Set();

/**
 * The worker's copy of `@aws/cloudformation-validate`, resolved as aws-cdk-lib resolves it, loaded on first use. Its engines
 * accept only plain objects of this realm as configuration (a test file's objects come from its own sandbox), so the
 * engine classes copy their arguments into this realm first (structured clone: the same plain data).
 */
function sharedCloudformationValidate() {
  if (!cloudformationValidate) {
    const cdkLib = path.dirname(require.resolve('aws-cdk-lib/package.json'));
    const real = require(require.resolve('@aws/cloudformation-validate', { paths: [cdkLib] }));
    const here = (value) => (value === undefined ? value : structuredClone(value));
    const engine = (Base) => class extends Base {
      constructor(config) {
        super(here(config));
        liveEngines.add(this);
      }
      free() {
        liveEngines.delete(this);
        super.free();
      }
      validateTemplate(template, config) {
        return super.validateTemplate(template, here(config));
      }
    };
    cloudformationValidate = Object.freeze({
      ...real,
      CompositeEngine: engine(real.CompositeEngine),
      RegoEngine: engine(real.RegoEngine),
      CelEngine: engine(real.CelEngine),
    });
  }
  return cloudformationValidate;
}

const compileFunction = vm.compileFunction;
/** Per module file (and parameter list): the SHA-1 of its source and the V8 code cache of its compiled wrapper. */
const codeCache = new Map();

/**
 * jest compiles every module again for each test file (`vm.compileFunction` in the file's context), and V8 parses the whole
 * source each time: aws-cdk-lib's modules are large (aws-sagemaker's generated L1s alone are 1.4 MB, 34 ms to compile).
 * The first compile of a module in a worker asks V8 for its code cache; later compiles of the same source (same SHA-1)
 * pass it back, and V8 deserializes the compiled code instead of parsing (3 ms for that file). V8 checks the cache
 * against the source and its own flags and falls back to a normal compile when it does not fit (`cachedDataRejected`).
 * The code is the same, compiled into the same context as before: only the parse is skipped.
 */
vm.compileFunction = function cachedCompileFunction(code, params, options) {
  if (typeof code !== 'string' || !options || !options.filename || options.cachedData || options.produceCachedData) {
    return compileFunction.apply(this, arguments);
  }
  const key = `${options.filename}\0${(params ?? []).join(',')}`;
  const hash = crypto.createHash('sha1').update(code).digest('base64');
  const entry = codeCache.get(key);
  if (entry && entry.hash === hash) {
    return compileFunction.call(this, code, params, { ...options, cachedData: entry.data });
  }
  const fn = compileFunction.call(this, code, params, { ...options, produceCachedData: true });
  if (fn.cachedDataProduced && fn.cachedData) {
    codeCache.set(key, { hash, data: fn.cachedData });
  }
  return fn;
};

class ProjectEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    Object.defineProperty(this.global, '__cdkMlopsSharedCloudformationValidate', { value: sharedCloudformationValidate, enumerable: false });
  }

  /**
   * Frees the engines the test file left (the CDK's plugin keeps its last engine for the life of the process). An engine
   * built while another is alive parses the schemas again (~2.5 s); built after the others are freed, it reuses them (~0.2 s).
   */
  async teardown() {
    for (const engine of liveEngines) {
      engine.free();
    }
    await super.teardown();
  }
}

module.exports = ProjectEnvironment;
