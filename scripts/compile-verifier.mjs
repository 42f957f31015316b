// Compiles one Solidity source read from stdin (a gnark-exported Groth16 verifier) with the
// pinned solc and the same settings as compile-contracts.mjs, and prints
// {"contract", "abi", "bytecode"} as JSON on stdout. The server runs it at first start to
// compile the verifier of its own verifying key (keys made at first start differ per
// installation); the committed contracts/build/ListenVerifier.* come from compile-contracts.mjs.
// Usage: node scripts/compile-verifier.mjs < Verifier.sol
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');
const EVM_VERSION = 'cancun';

const source = fs.readFileSync(0, 'utf8');
const input = {
  language: 'Solidity',
  sources: { 'Verifier.sol': { content: source } },
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of output.errors ?? []) {
  if (e.severity === 'error') {
    console.error(e.formattedMessage ?? e.message);
    failed = true;
  }
}
if (failed) process.exit(1);
const contracts = output.contracts['Verifier.sol'] ?? {};
const [name, c] = Object.entries(contracts).find(([, v]) => v.evm.bytecode.object.length > 0) ?? [];
if (!c) {
  console.error('no deployable contract in the source');
  process.exit(1);
}
process.stdout.write(JSON.stringify({ contract: name, abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, compiler: `solc ${solc.version()}` }));
