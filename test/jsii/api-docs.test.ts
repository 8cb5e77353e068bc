/**
 * The public API is documented (#18, STYLE.md): every exported type, property, method, enum member and static constant has a
 * summary, and every optional property of a struct states its default with `@default` (a literal or the behaviour), never
 * `undefined`. Read from the jsii assembly that `npm run build` writes (`.jsii`), so it covers exactly what Python, Java and .NET
 * users see, inherited members included.
 */
import * as fs from 'fs';
import * as path from 'path';

interface Docs { readonly summary?: string; readonly default?: string }
interface Member { readonly name: string; readonly docs?: Docs; readonly optional?: boolean; readonly overrides?: string }
interface JsiiType {
  readonly fqn: string;
  readonly kind: 'class' | 'interface' | 'enum';
  readonly datatype?: boolean;
  readonly docs?: Docs;
  readonly properties?: Member[];
  readonly methods?: Member[];
  readonly members?: Member[];
}

const assemblyPath = path.join(__dirname, '..', '..', '.jsii');
const assembly = JSON.parse(fs.readFileSync(assemblyPath, 'utf8')) as { types: Record<string, JsiiType> };
const types = Object.values(assembly.types);

function undocumented(): string[] {
  const out: string[] = [];
  for (const t of types) {
    if (!t.docs?.summary) out.push(t.fqn);
    for (const p of t.properties ?? []) if (!p.overrides && !p.docs?.summary) out.push(`${t.fqn}.${p.name}`);
    for (const m of t.methods ?? []) if (!m.overrides && !m.docs?.summary) out.push(`${t.fqn}#${m.name}()`);
    for (const m of t.members ?? []) if (!m.docs?.summary) out.push(`${t.fqn}.${m.name}`);
  }
  return out;
}

function withoutDefault(): string[] {
  const out: string[] = [];
  for (const t of types.filter((x) => x.datatype)) {
    for (const p of t.properties ?? []) {
      const d = p.docs?.default?.trim();
      if (p.optional && (!d || d === 'undefined' || d === '- undefined')) out.push(`${t.fqn}.${p.name}`);
    }
  }
  return out;
}

describe('the public API documentation', () => {
  test('the assembly holds the library (a real, non-trivial API)', () => {
    expect(types.length).toBeGreaterThan(100);
    expect(assembly.types['cdk-mlops.TrainingPipeline']?.kind).toBe('class');
    expect(assembly.types['cdk-mlops.TrainingPipelineProps']?.datatype).toBe(true);
  });

  test('every type, property, method, enum member and constant has a summary', () => {
    expect(undocumented()).toEqual([]);
  });

  test('every optional property of a struct states its default', () => {
    expect(withoutDefault()).toEqual([]);
  });
});
