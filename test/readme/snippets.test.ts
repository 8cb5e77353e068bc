import * as fs from 'fs';
import * as path from 'path';
import { assemblyExamples, checkSnippets, exportedNames, extractSnippets, FIXTURE, rosettaProblems } from './snippets';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const readme = extractSnippets(README, 'README.md');

// A page of snippets with known mistakes, checked in the same program as the README (loading the library's types once is
// most of the cost): the check must find each, at its line, and nothing in the valid standalone snippet.
const BROKEN = [
  '# t', '```ts', "new DataLake(this, 'Lake', { noSuchProp: 1 });", '```', 'text', '```ts',
  "const x: number = 'a';", 'unknownName.go();', '```', '```ts', "import { DataLake } from 'cdk-mlops';",
  "import { Stack } from 'aws-cdk-lib';", "new DataLake(new Stack(), 'Lake');", '```',
].join('\n');
const broken = extractSnippets(BROKEN, 'broken.md');

const examples = assemblyExamples();
const diagnostics = checkSnippets([...readme, ...examples, ...broken]);

describe('the README and the API docs', () => {
  test('has its TypeScript snippets found, each at the line of its fence', () => {
    expect(readme.length).toBeGreaterThanOrEqual(20);
    const lines = README.split('\n');
    for (const s of readme) expect(lines[s.line - 1]).toMatch(/^```ts/);
  });

  test('fixture imports every name the library exports (so that any snippet may use any of them)', () => {
    const imported = /import \{([^}]*)\} from 'cdk-mlops'/.exec(fs.readFileSync(FIXTURE, 'utf8'))![1].split(',').map((n) => n.trim()).filter(Boolean);
    expect(exportedNames().filter((n) => !imported.includes(n))).toEqual([]);
  });

  test('every @example of the API docs compiles in the same fixture (what jsii-rosetta translates)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const problems = diagnostics.filter((d) => d.source.endsWith('@example')).map((d) => `${d.source}:${d.line}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  test('every TypeScript snippet compiles against the library (standalone, or in the fixture)', () => {
    const problems = diagnostics.filter((d) => d.source === 'README.md').map((d) => `${d.source}:${d.line}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  test('no snippet holds what jsii-rosetta refuses (imports without nofixture, arrow functions)', () => {
    expect(rosettaProblems([...readme, ...examples]).map((d) => `${d.source}:${d.line}: ${d.message}`)).toEqual([]);
  });

  test('reads jsii-rosetta parameters from the fence, and compiles a nofixture snippet on its own', () => {
    const [plain, alone, named] = extractSnippets(
      ['```ts', 'lake;', '```', '```ts nofixture', 'const x: number = 1;', '```', '```typescript  fixture=jest  nofixture', '```'].join('\n'), 'p.md');
    expect([plain.parameters, alone.parameters, named.parameters]).toEqual([{}, { nofixture: '' }, { fixture: 'jest', nofixture: '' }]);
    expect([plain.line, alone.line, named.line]).toEqual([1, 4, 7]);
    // `lake` is declared by the fixture only: in a nofixture snippet it is unknown.
    const found = checkSnippets(extractSnippets(['```ts nofixture', 'lake.zone(\'raw\');', '```'].join('\n'), 'alone.md'));
    expect(found.map((d) => [d.line, d.message])).toEqual([[2, "Cannot find name 'lake'."]]);
  });

  test('reports, at their lines, an import in a fixture snippet and an arrow function', () => {
    const page = ['```ts', "import { Stack } from 'aws-cdk-lib';", 'const f = (x: number) => x;', '```',
      '```ts nofixture', "import { Stack } from 'aws-cdk-lib';", 'function g(x: number) { return x; }', '```'].join('\n');
    expect(rosettaProblems(extractSnippets(page, 'r.md')).map((d) => [d.line, d.message.split(':')[0]])).toEqual([
      [2, 'an import in a snippet without `nofixture`'], [3, 'an arrow function'],
    ]);
  });

  test('the check reports a wrong property, a wrong type and an unknown name at their lines', () => {
    const found = diagnostics.filter((d) => d.source === 'broken.md');
    expect(found.map((d) => d.line)).toEqual([3, 7, 8]);
    expect(found[0].message).toMatch(/noSuchProp/);
    expect(found[1].message).toMatch(/not assignable to type 'number'/);
    expect(found[2].message).toMatch(/Cannot find name 'unknownName'/);
  });
});
