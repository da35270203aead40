#!/usr/bin/env node
// Figures of the source tree's shape, for issue notes and reviews: files over 300 lines, functions over 60 lines,
// imports into another folder that bypass its index.ts, and circular imports (runtime imports only; `import type`
// is erased). Usage: node scripts/code-figures.mjs [root] [--list]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '.');
const list = process.argv.includes('--list');
const FOLDERS = ['simulator', 'client-shim'];

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : [];
  });
}

const files = FOLDERS.flatMap((folder) => sourceFiles(join(root, folder)));
const longFiles = [];
const longFunctions = [];
const bypassing = [];
const graph = new Map();

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  if (lines > 300) longFiles.push(`${relative(root, file)} (${lines})`);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges = [];
  const visit = (node) => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isConstructorDeclaration(node)
    ) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > 60) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
        longFunctions.push(`${relative(root, file)}:${start + 1} ${name} (${end - start + 1})`);
      }
    }
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const specifier = node.moduleSpecifier.text;
      const typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        // A folder is entered through its index.ts; a file of the importer's own folder, or of a folder that holds
        // it (an inner module using its parent's shared pieces), is not entering another folder.
        const into = dirname(target);
        const isOwnOrParent = dirname(file) === into || dirname(file).startsWith(`${into}/`);
        if (!isOwnOrParent && !target.endsWith('/index.ts'))
          bypassing.push(`${relative(root, file)} → ${relative(root, target)}`);
        if (!typeOnly) edges.push(target);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  graph.set(file, edges);
}

// Tarjan's strongly connected components: each component of more than one file is one import cycle.
let index = 0;
const stack = [];
const meta = new Map();
const cycles = [];
function strongConnect(v) {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!meta.has(w)) {
      strongConnect(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      component.push(relative(root, w));
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
}
for (const v of graph.keys()) if (!meta.has(v)) strongConnect(v);

console.log(`source files: ${files.length}`);
console.log(`files over 300 lines: ${longFiles.length}`);
console.log(`functions over 60 lines: ${longFunctions.length}`);
console.log(
  `imports into another folder (not the importer's own or a parent) that bypass its index.ts: ${bypassing.length}`,
);
console.log(`circular import groups: ${cycles.length} (${cycles.reduce((n, c) => n + c.length, 0)} files)`);
if (list) {
  for (const [title, items] of [
    ['files over 300 lines', longFiles],
    ['functions over 60 lines', longFunctions],
    ['bypassing imports', bypassing],
    ['cycles', cycles.map((c) => c.join(' ↔ '))],
  ]) {
    console.log(`\n${title}:`);
    for (const item of items) console.log(`  ${item}`);
  }
}
