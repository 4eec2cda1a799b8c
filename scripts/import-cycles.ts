// Folder-level import cycles: builds the graph "folder A imports something in folder B" from the
// relative imports of every .ts file under the given root (default api/) and prints each group of
// folders that import each other (a strongly connected component) with the edges that close it.
// Files directly in the root (app.ts, context.ts, ...) are nodes of their own, as a folder would
// be. Exits 1 when there is any cycle, so the lint keeps the layering acyclic. Type-only imports
// count too: a cycle of types is still a cycle in the design.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function nodeOf(rootDir: string, file: string): string {
  const folder = path.relative(rootDir, path.dirname(file));
  return folder === '' ? path.basename(file) : (folder.split(path.sep)[0] as string);
}

export function folderGraph(root: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const rootDir = path.resolve(root);
  for (const file of sourceFiles(rootDir)) {
    const from = nodeOf(rootDir, file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const imported of ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles) {
      const target = resolveImport(file, imported.fileName);
      if (target === null || !target.startsWith(rootDir)) continue;
      const to = nodeOf(rootDir, target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Groups of two or more nodes that reach each other (Tarjan), each sorted, largest first. */
export function cyclicGroups(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.sort((a, b) => b.length - a.length);
}

/** Pairs of folders that import each other directly: the shortest cycles. */
export function mutualImports(graph: Map<string, Set<string>>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [from, targets] of graph) for (const to of targets) if (from < to && graph.get(to)?.has(from)) pairs.push([from, to]);
  return pairs.sort();
}

if (require.main === module) {
  const root = process.argv[2] ?? 'api';
  const graph = folderGraph(root);
  const groups = cyclicGroups(graph);
  for (const group of groups) {
    const inside = new Set(group);
    const edges = group.flatMap((from) => [...(graph.get(from) ?? [])].filter((to) => inside.has(to)).map((to) => `${from}->${to}`));
    console.log(`${root}: cycle among ${group.join(', ')} (edges: ${edges.join(' ')})`);
  }
  for (const [a, b] of mutualImports(graph)) console.log(`${root}: ${a} <-> ${b}`);
  console.log(`${groups.length} folder-level import cycle group(s), ${mutualImports(graph).length} mutual import pair(s) in ${root}/`);
  process.exitCode = groups.length > 0 ? 1 : 0;
}
