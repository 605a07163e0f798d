// The import graph of src/: no circle between files, and none between the top-level folders.
// Edges come from every relative specifier a module names: imports (type-only too), re-exports,
// dynamic import('…') and worker entries written as new URL('…', import.meta.url).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');
// Generated and AssemblyScript sources are not part of the TypeScript program.
const SKIPPED_DIRS = new Set([join(SRC, 'engine', 'assembly')]);
const SOURCE_FILE = /\.(ts|tsx)$/;
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'];

function listSources(dir: string): string[] {
  if (SKIPPED_DIRS.has(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return SOURCE_FILE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function isImportMetaUrl(node: ts.Node): boolean {
  return ts.isPropertyAccessExpression(node) && node.name.text === 'url'
    && ts.isMetaProperty(node.expression) && node.expression.keywordToken === ts.SyntaxKind.ImportKeyword;
}

/** Every module specifier the file names, of any kind. */
function specifiersOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [target, base] = node.arguments ?? [];
      if (target && base && ts.isStringLiteralLike(target) && isImportMetaUrl(base)) found.push(target.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The source file a relative specifier names, or null for packages and non-code assets. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier.split('?')[0]);
  for (const suffix of RESOLVE_SUFFIXES) {
    const candidate = base + suffix;
    if (SOURCE_FILE.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

type Graph = Map<string, Set<string>>;

function fileGraph(): Graph {
  const graph: Graph = new Map();
  for (const path of listSources(SRC)) {
    const from = relative(SRC, path).split(sep).join('/');
    const edges = new Set<string>();
    for (const specifier of specifiersOf(path)) {
      const target = resolveSpecifier(path, specifier);
      if (target) edges.add(relative(SRC, target).split(sep).join('/'));
    }
    graph.set(from, edges);
  }
  return graph;
}

/** A file's top-level folder under src/; files at src/ itself form the "(root)" folder. */
function folderOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '(root)' : file.slice(0, slash);
}

function folderGraph(files: Graph): Graph {
  const graph: Graph = new Map();
  for (const [from, targets] of files) {
    const edges = graph.get(folderOf(from)) ?? new Set<string>();
    for (const to of targets) if (folderOf(to) !== folderOf(from)) edges.add(folderOf(to));
    graph.set(folderOf(from), edges);
  }
  return graph;
}

/** Tarjan's strongly connected components, keeping only those that hold a circle. */
function circles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strongConnect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        strongConnect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) strongConnect(node);
  return found;
}

/** One shortest closed path through a component's first member, to name the circle. */
function namedCircle(graph: Graph, component: string[]): string {
  const members = new Set(component);
  const start = component[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
        return [...path, start].join(' -> ');
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return component.join(', ');
}

function describeCircles(graph: Graph): string[] {
  return circles(graph).map((component) => `${namedCircle(graph, component)}   [all of: ${component.join(', ')}]`);
}

describe('import graph of src/', () => {
  const files = fileGraph();

  it('reads the edges of every kind of specifier', () => {
    expect(files.get('main.tsx')).toContain('startApp.tsx'); // dynamic import('…')
    expect(files.get('latent/projectionClient.ts')).toContain('latent/projectionWorker.ts'); // worker entry
    expect(files.get('saved/sessionFormat.ts')).toContain('state/mapViewState.ts'); // import type
    expect(files.size).toBeGreaterThan(100);
  });

  it('has no circle between files', () => {
    expect(describeCircles(files), 'files that import each other, directly or around a circle').toEqual([]);
  });

  it('has no circle between top-level folders', () => {
    expect(describeCircles(folderGraph(files)), 'folders that import each other, directly or around a circle').toEqual([]);
  });
});
