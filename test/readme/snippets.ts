/**
 * The TypeScript snippets of the README, as a TypeScript program: a snippet with its own imports is a module of its own (with
 * `cdk-mlops` resolved to this package's built declarations); any other snippet is the body of a stack's constructor in the
 * fixture (`rosetta/default.ts-fixture`, jsii-rosetta's), which imports the library names the snippets use and declares the
 * names the README's prose introduces (`lake`, `registry`, `alerts`, ...). jsii-rosetta compiles the same snippets with the
 * same fixture in CI; this check is the fast one, with README line numbers.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface Snippet {
  /** The file it comes from. */
  readonly source: string;
  /** The line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /**
   * The words after the language on the fence (jsii-rosetta's parameters): `nofixture` compiles the snippet on its own,
   * `fixture=NAME` in `rosetta/NAME.ts-fixture`; otherwise jsii-rosetta puts it in `rosetta/default.ts-fixture`, hoisting
   * its imports above the fixture's.
   */
  readonly parameters?: Record<string, string>;
}

export interface SnippetDiagnostic {
  /** The file of the snippet. */
  readonly source: string;
  /** The line the diagnostic points at. */
  readonly line: number;
  readonly message: string;
}

const ROOT = path.join(__dirname, '..', '..');
/** The fixture jsii-rosetta compiles the same snippets with (`jsii-rosetta extract --compile`, in .ci/run). */
export const FIXTURE = path.join(ROOT, 'rosetta', 'default.ts-fixture');

/**
 * Every ```ts block of a Markdown text (what jsii-rosetta reads: a fence whose first word is `ts` or `typescript`), with the
 * line of its opening fence and the parameters after the language (`nofixture`, `fixture=NAME`).
 */
export function extractSnippets(markdown: string, source: string): Snippet[] {
  const lines = markdown.split('\n');
  const out: Snippet[] = [];
  let start = -1;
  let parameters: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const fence = start < 0 ? /^```(ts|typescript)(?:\s+(.*?))?\s*$/.exec(lines[i]) : null;
    if (fence) {
      start = i;
      parameters = Object.fromEntries((fence[2] ?? '').split(/\s+/).filter(Boolean).map((w) => {
        const eq = w.indexOf('=');
        return eq < 0 ? [w, ''] : [w.slice(0, eq), w.slice(eq + 1)];
      }));
    } else if (start >= 0 && /^```\s*$/.test(lines[i])) {
      out.push({ source, line: start + 1, code: lines.slice(start + 1, i).join('\n'), parameters });
      start = -1;
    }
  }
  return out;
}

/**
 * What jsii-rosetta refuses in a snippet and a TypeScript compiler accepts, each with the line it is at: imports in a snippet
 * that is put in the default fixture (rosetta hoists them above the fixture's own imports, and the names collide: mark the
 * snippet `nofixture`), and arrow functions (rosetta cannot translate them: "This TypeScript feature (ArrowFunction) is not
 * supported in examples").
 */
export function rosettaProblems(snippets: Snippet[]): SnippetDiagnostic[] {
  const out: SnippetDiagnostic[] = [];
  for (const s of snippets) {
    const file = ts.createSourceFile('snippet.ts', s.code, ts.ScriptTarget.ES2022, true);
    const at = (node: ts.Node) => s.line + 1 + file.getLineAndCharacterOfPosition(node.getStart(file)).line;
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && s.parameters?.nofixture === undefined) {
        out.push({ source: s.source, line: at(node), message: 'an import in a snippet without `nofixture`: jsii-rosetta hoists it into the default fixture, whose imports it duplicates' });
      }
      if (ts.isArrowFunction(node)) {
        out.push({ source: s.source, line: at(node), message: 'an arrow function: jsii-rosetta cannot translate it to other languages' });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return out;
}

/**
 * The `@example` blocks of the public API's docs, as the jsii assembly holds them (what jsii-rosetta translates for Python, Java and
 * .NET users): one snippet each, its lines counted from 1.
 */
export function assemblyExamples(): Snippet[] {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8')) as { types: Record<string, any> };
  const out: Snippet[] = [];
  for (const [fqn, t] of Object.entries(assembly.types)) {
    const members = [...(t.properties ?? []), ...(t.methods ?? [])].map((m: any) => [`${fqn}.${m.name}`, m.docs] as const);
    for (const [source, docs] of [[fqn, t.docs] as const, ...members]) {
      if (docs?.example) out.push({ source: `${source} @example`, line: 0, code: docs.example });
    }
  }
  return out;
}

/** The names the library exports (top-level types of the jsii assembly). */
export function exportedNames(): string[] {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8')) as { types: Record<string, unknown> };
  return Object.keys(assembly.types).map((fqn) => fqn.replace(/^cdk-mlops\./, '')).filter((n) => !n.includes('.')).sort();
}

/** Type-checks the snippets in one program (the library's types are loaded once); returns the diagnostics, each at its line. */
export function checkSnippets(snippets: Snippet[]): SnippetDiagnostic[] {
  const fixtures = new Map<string, string[]>();
  const fixture = (name: string) => {
    if (!fixtures.has(name)) {
      fixtures.set(name, fs.readFileSync(path.join(ROOT, 'rosetta', `${name}.ts-fixture`), 'utf8').split('/// here'));
    }
    return fixtures.get(name)!;
  };
  const files = new Map<string, { text: string; offset: number; snippet: Snippet }>();
  snippets.forEach((s, i) => {
    // As jsii-rosetta compiles it: on its own with `nofixture`; otherwise in the fixture. (A snippet with imports and
    // without `nofixture` is compiled on its own here too, and reported by rosettaProblems.)
    const standalone = s.parameters?.nofixture !== undefined || /^import /m.test(s.code);
    const name = path.join(ROOT, 'test', 'readme', `__snippet_${i}.ts`);
    const [before, after] = fixture(s.parameters?.fixture || 'default');
    const text = standalone ? `${s.code}\nexport {};\n` : `${before}${s.code}\n${after}`;
    const offset = standalone ? 0 : before.split('\n').length - 1;
    files.set(name, { text, offset, snippet: s });
  });

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'], strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node', 'jest'],
    baseUrl: ROOT, paths: { 'cdk-mlops': ['dist/lib/index.d.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => files.get(path.resolve(f))?.text ?? readFile(f);
  host.fileExists = (f) => files.has(path.resolve(f)) || fileExists(f);
  host.getSourceFile = (f, v, onError, create) => {
    const mine = files.get(path.resolve(f));
    return mine ? ts.createSourceFile(f, mine.text, v, true) : getSourceFile(f, v, onError, create);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const out: SnippetDiagnostic[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const mine = d.file ? files.get(path.resolve(d.file.fileName)) : undefined;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!mine || d.start === undefined) {
      out.push({ source: '(program)', line: 0, message: `${d.file?.fileName ?? '(program)'}: ${message}` });
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
    const inSnippet = line - mine.offset;
    const lines = mine.snippet.code.split('\n').length;
    out.push({
      source: mine.snippet.source,
      line: inSnippet >= 0 && inSnippet < lines ? mine.snippet.line + 1 + inSnippet : mine.snippet.line,
      message: inSnippet >= 0 && inSnippet < lines ? message : `(in the fixture around this snippet) ${message}`,
    });
  }
  return out;
}
