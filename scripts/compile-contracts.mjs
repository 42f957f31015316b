// Compiles contracts/*.sol with the pinned solc (npm, WASM) through its standard-JSON interface
// and writes contracts/build/<Name>.abi, <Name>.bin and <Name>.json (ABI + bytecode + compiler
// settings). The outputs are committed: building the Go binary never needs a compiler.
// Usage: node scripts/compile-contracts.mjs   (or: make contracts)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'contracts');
const outDir = path.join(srcDir, 'build');
// Pinned so that the bytecode does not change with the compiler's default target.
const EVM_VERSION = 'cancun';

const sources = {};
for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

// Imports such as "@openzeppelin/contracts/..." resolve into node_modules only.
function findImports(importPath) {
  const candidate = path.join(root, 'node_modules', importPath);
  if (!candidate.startsWith(path.join(root, 'node_modules') + path.sep)) {
    return { error: `import outside node_modules: ${importPath}` };
  }
  try {
    return { contents: fs.readFileSync(candidate, 'utf8') };
  } catch {
    return { error: `not found: ${importPath} (run npm ci)` };
  }
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of output.errors ?? []) {
  console.error(e.formattedMessage ?? e.message);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(output.contracts[file] ?? {})) {
    const abi = JSON.stringify(c.abi, null, 2) + '\n';
    const bin = c.evm.bytecode.object;
    fs.writeFileSync(path.join(outDir, `${name}.abi`), abi);
    fs.writeFileSync(path.join(outDir, `${name}.bin`), bin + '\n');
    fs.writeFileSync(
      path.join(outDir, `${name}.json`),
      JSON.stringify({ contractName: name, source: `contracts/${file}`, compiler: `solc ${solc.version()}`,
        evmVersion: EVM_VERSION, optimizerRuns: 200, abi: c.abi, bytecode: '0x' + bin }, null, 2) + '\n',
    );
    console.log(`compiled ${name} (${bin.length / 2} bytes) with solc ${solc.version()}`);
  }
}
