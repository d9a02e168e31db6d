#!/usr/bin/env node
// Type-checks every ```ts block of README.md and examples/README.md, and every
// ```ts example in the doc comments of src/*.ts (the hover text), so a doc
// example can neither rot nor quietly type as `any`. `npm run typecheck:readme`
// (part of `npm run typecheck`) runs it.
//
// How a block is checked:
// - Each block is its own module, written to node_modules/.cache/readme-types/
//   and compiled with the TypeScript API (strict, bundler resolution, DOM, node
//   and jest types, decorators for the Angular recipe), `rxjs-as-completed`
//   mapped to src/index.ts as an app would import it. The Angular recipe's
//   blocks compile against the root's @angular/core and @angular/common dev
//   dependencies (types only; the app in examples/angular has its own install).
// - A block may use the docs' running example without defining it: the
//   PRELUDE below declares those names (`Item`, `ids`, `base`, `http`, the
//   doc comments' `query$`, `backends`, ...) as globals. Whatever a block
//   defines itself shadows them.
// - Besides compiler errors, every call of one of the operators (and every
//   `.pipe(...)` that contains one) must not type as `any`.
// - Convention: an HTML comment `<!-- no-check -->` on the line just before
//   the opening fence skips that block (for deliberately partial snippets); in
//   a doc comment, ` * <!-- no-check -->` does the same.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const documents = [
  'README.md',
  'examples/README.md',
  ...readdirSync(path.join(root, 'src'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `src/${name}`),
];
const OPERATORS = new Set(['asCompleted', 'asCompletedWithTimeout', 'firstCompleted', 'mergeCompletedThen']);

const PRELUDE = `
import type { Observable } from 'rxjs';
declare global {
  /** The README's running example: an item loaded by id. */
  interface Item { id: number; title: string }
  const ids: number[];
  const base: string;
  /** An HttpClient-shaped client. */
  const http: HttpLike;
  /** A test fixture: the item with this id. */
  function item(id: number): Item;
  /** An HTTP client shaped like Angular's HttpClient. */
  interface HttpLike { get<T>(url: string): Observable<T> }
  /** Names the doc comments' examples use. */
  const pageOfIds$: Observable<number[]>;
  const query$: Observable<string>;
  const backends: { search(query: string, signal: AbortSignal): Promise<Item[]> }[];
  const key$: Observable<string>;
  const memory: { get(key: string): Promise<Item | undefined> };
  const redis: { get(key: string): Promise<Item | undefined> };
  const db: { get(key: string): Promise<Item | undefined> };
  const userPage$: Observable<string[]>;
  function listOrders(user: string, signal: AbortSignal): Promise<number[]>;
  function loadOrder(id: number, signal: AbortSignal): Promise<{ id: number; total: number }>;
  const err: unknown;
  /** The marble recipe's service (defined in the block before the test). */
  class ItemsLoader {
    constructor(http: HttpLike);
    loadAll(ids: number[]): Observable<{ item: Item; done: number; total: number }>;
  }
}
export {};
`;

/**
 * The ```ts blocks of a Markdown text (or of the doc comments of a .ts file),
 * with their line numbers, minus those marked no-check.
 */
function tsBlocks(text, inComments) {
  // In a doc comment, a block's lines start with ` * `.
  const lines = text.split('\n').map((line) => (inComments ? line.replace(/^\s*\*( |$)/, '') : line));
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) continue;
    const skip = i > 0 && lines[i - 1].trim() === '<!-- no-check -->';
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (!skip) blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

const outDir = path.join(root, 'node_modules', '.cache', 'readme-types');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'prelude.d.ts'), PRELUDE);

/** Generated file -> where its block is in the docs. */
const origins = new Map();
for (const doc of documents) {
  const blocks = tsBlocks(readFileSync(path.join(root, doc), 'utf8'), doc.endsWith('.ts'));
  blocks.forEach((block, n) => {
    const file = path.join(outDir, `${doc.replace(/[/.]/g, '_')}_${n + 1}.ts`);
    // `export {}` keeps a block without imports a module of its own.
    writeFileSync(file, `${block.code}\nexport {};\n`);
    origins.set(file, { doc, line: block.line });
  });
}

const program = ts.createProgram([path.join(outDir, 'prelude.d.ts'), ...origins.keys()], {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  experimentalDecorators: true,
  noEmit: true,
  types: ['node', 'jest'],
  typeRoots: [path.join(root, 'node_modules', '@types')],
  baseUrl: root,
  paths: { 'rxjs-as-completed': ['src/index.ts'] },
});
const checker = program.getTypeChecker();

const problems = [];
function report(sourceFile, position, message) {
  const origin = origins.get(path.normalize(sourceFile.fileName));
  const { line } = sourceFile.getLineAndCharacterOfPosition(position);
  const where = origin ? `${origin.doc}:${origin.line + line}` : sourceFile.fileName;
  problems.push(`${where}: ${message}`);
}

for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  if (diagnostic.file) report(diagnostic.file, diagnostic.start ?? 0, message);
  else problems.push(message);
}

/** The operator a call invokes, or undefined. */
function operatorOf(call) {
  return ts.isIdentifier(call.expression) && OPERATORS.has(call.expression.text) ? call.expression.text : undefined;
}

for (const sourceFile of program.getSourceFiles()) {
  if (!origins.has(path.normalize(sourceFile.fileName))) continue;
  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const isPipe =
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'pipe' &&
        node.arguments.some((arg) => ts.isCallExpression(arg) && operatorOf(arg));
      if (operatorOf(node) || isPipe) {
        const type = checker.typeToString(checker.getTypeAtLocation(node), undefined, ts.TypeFormatFlags.NoTruncation);
        if (/\bany\b/.test(type)) {
          report(sourceFile, node.getStart(sourceFile), `\`${operatorOf(node) ?? 'pipe'}(...)\` types as ${type}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} problem(s) in the docs' code blocks.`);
  process.exit(1);
}
console.log(`Doc code blocks (README, doc comments): ${origins.size} type-checked, no errors, no \`any\`.`);
