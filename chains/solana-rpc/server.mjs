// A Solana JSON-RPC server over litesvm, for development and tests.
//
// No Solana validator can be installed here, so this adapter runs the real SVM (litesvm: System,
// SPL Token, Token-2022 and Associated Token Account programs) in-process and serves the subset
// of the JSON-RPC API that solana-go's client and VibeStream's adapter use. It is not a cluster:
// one process, one "leader", no forks.
//
// Semantics worth knowing:
//   - Slots advance on a timer (--slot-ms) and after every landed transaction; each slot gets a
//     new blockhash. litesvm itself accepts only its latest blockhash, so its check is off and
//     this server enforces the real rule instead: a blockhash is valid for 150 slots
//     (`Blockhash not found` after that). Signatures are verified (sigverify stays on).
//   - A landed transaction is "confirmed" at once and "finalized" after --finality slots.
//   - Landed transactions are recorded (getSignaturesForAddress, getTransaction with pre/post
//     token balances) and appended to --state; on start the journal is replayed, so the chain
//     survives restarts.
//   - u64 values are written as bare JSON numbers (solana-go decodes them into uint64).
//
// Usage: node chains/solana-rpc/server.mjs [--port 0] [--state FILE] [--slot-ms 100] [--finality 32]
//        [--blockhash-validity 150] [--exit-with-stdin]
// Prints one line {"rpc":"http://127.0.0.1:PORT"} on stdout once listening.
import http from 'node:http';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { LiteSVM } = require('litesvm');
const kit = require('@solana/kit');

// ---- options ----
const opts = { port: 0, state: '', slotMs: 100, finality: 32, validity: 150, watchStdin: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[i + 1];
  if (a === '--port') { opts.port = Number(v); i++; }
  else if (a === '--state') { opts.state = v; i++; }
  else if (a === '--slot-ms') { opts.slotMs = Number(v); i++; }
  else if (a === '--finality') { opts.finality = Number(v); i++; }
  else if (a === '--blockhash-validity') { opts.validity = Number(v); i++; }
  else if (a === '--exit-with-stdin') { opts.watchStdin = true; }
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';

const HISTORY_PER_ADDRESS = 10000;
const BLOCKHASH_VALIDITY = BigInt(opts.validity);

const b58enc = kit.getBase58Encoder(); // string -> bytes
const b58dec = kit.getBase58Decoder(); // bytes -> string
const b64enc = kit.getBase64Encoder();
const txDecoder = kit.getTransactionDecoder();
const msgDecoder = kit.getCompiledTransactionMessageDecoder();

// ---- chain state ----
const svm = new LiteSVM().withBlockhashCheck(false).withSigverify(true).withTransactionHistory(0n);
let slot = 1n;
const blockhashes = new Map(); // blockhash -> slot it was produced
const txs = new Map(); // signature -> record
const byAddress = new Map(); // address -> [signature] (oldest first)

function setSlot(s) {
  slot = s;
  const clock = svm.getClock();
  clock.slot = s;
  clock.unixTimestamp = BigInt(Math.floor(Date.now() / 1000));
  svm.setClock(clock);
  blockhashes.set(svm.latestBlockhash(), s);
  if (blockhashes.size > 400) {
    for (const [h, at] of blockhashes) {
      if (at + BLOCKHASH_VALIDITY * 2n < slot) blockhashes.delete(h);
      else break;
    }
  }
}

function nextSlot() {
  svm.expireBlockhash();
  setSlot(slot + 1n);
}
setSlot(slot);

// ---- JSON with bare u64 numbers ----
function stringify(v) {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `__u64__${x}` : x)).replace(/"__u64__(\d+)"/g, '$1');
}

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

// ---- account helpers ----
function account(address) {
  const a = svm.getAccount(address);
  return a.exists ? a : null;
}

function encodeAccount(a) {
  if (!a) return null;
  return {
    lamports: BigInt(a.lamports),
    owner: String(a.programAddress),
    data: [Buffer.from(a.data).toString('base64'), 'base64'],
    executable: a.executable,
    rentEpoch: 18446744073709551615n,
    space: BigInt(a.data.length),
  };
}

function readU64(data, off) {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readBigUInt64LE(off);
}

function isTokenProgram(owner) {
  return owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;
}

// tokenAccount parses an SPL token account (mint, owner, amount), or returns null.
function tokenAccount(address) {
  const a = account(address);
  if (!a || !isTokenProgram(String(a.programAddress)) || a.data.length < 165) return null;
  const d = a.data;
  return {
    mint: b58dec.decode(d.slice(0, 32)),
    owner: b58dec.decode(d.slice(32, 64)),
    amount: readU64(d, 64),
    programId: String(a.programAddress),
  };
}

function mintDecimals(mint) {
  const a = account(mint);
  if (!a || a.data.length < 82) return 0;
  return a.data[44];
}

function uiAmount(amount, decimals) {
  const s = amount.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  const str = frac ? `${whole}.${frac}` : whole;
  return { amount: amount.toString(), decimals, uiAmount: Number(str), uiAmountString: str };
}

function tokenBalances(keys) {
  const out = [];
  keys.forEach((k, i) => {
    const t = tokenAccount(k);
    if (t) out.push({ accountIndex: i, mint: t.mint, owner: t.owner, programId: t.programId, uiTokenAmount: uiAmount(t.amount, mintDecimals(t.mint)) });
  });
  return out;
}

// ---- errors: litesvm's error objects stringify to {}; use their string form ----
function txError(failed) {
  const e = failed.err();
  if (e && typeof e === 'object' && 'index' in e && typeof e.err === 'function') {
    const inner = e.err();
    if (inner && typeof inner === 'object' && 'code' in inner) return { InstructionError: [e.index, { Custom: inner.code }] };
    return { InstructionError: [e.index, typeof inner === 'object' ? String(inner) : instructionErrorName(inner)] };
  }
  if (typeof e === 'number') return transactionErrorName(e);
  return String(e?.toString?.() ?? e);
}

const INSTRUCTION_ERRORS = ['GenericError', 'InvalidArgument', 'InvalidInstructionData', 'InvalidAccountData', 'AccountDataTooSmall', 'InsufficientFunds', 'IncorrectProgramId', 'MissingRequiredSignature', 'AccountAlreadyInitialized', 'UninitializedAccount', 'UnbalancedInstruction', 'ModifiedProgramId', 'ExternalAccountLamportSpend', 'ExternalAccountDataModified', 'ReadonlyLamportChange', 'ReadonlyDataModified', 'DuplicateAccountIndex', 'ExecutableModified', 'RentEpochModified', 'NotEnoughAccountKeys', 'AccountDataSizeChanged', 'AccountNotExecutable', 'AccountBorrowFailed', 'AccountBorrowOutstanding', 'DuplicateAccountOutOfSync', 'InvalidError', 'ExecutableDataModified', 'ExecutableLamportChange', 'ExecutableAccountNotRentExempt', 'UnsupportedProgramId', 'CallDepth', 'MissingAccount', 'ReentrancyNotAllowed', 'MaxSeedLengthExceeded', 'InvalidSeeds', 'InvalidRealloc', 'ComputationalBudgetExceeded', 'PrivilegeEscalation', 'ProgramEnvironmentSetupFailure', 'ProgramFailedToComplete', 'ProgramFailedToCompile', 'Immutable', 'IncorrectAuthority', 'AccountNotRentExempt', 'InvalidAccountOwner', 'ArithmeticOverflow', 'UnsupportedSysvar', 'IllegalOwner', 'MaxAccountsDataAllocationsExceeded', 'MaxAccountsExceeded', 'MaxInstructionTraceLengthExceeded', 'BuiltinProgramsMustConsumeComputeUnits', 'BorshIoError'];
function instructionErrorName(n) {
  return INSTRUCTION_ERRORS[n] ?? `InstructionError${n}`;
}
const TRANSACTION_ERRORS = ['AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound', 'InsufficientFundsForFee', 'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound', 'CallChainTooDeep', 'MissingSignatureForFee', 'InvalidAccountIndex', 'SignatureFailure', 'InvalidProgramForExecution', 'SanitizeFailure', 'ClusterMaintenance', 'AccountBorrowOutstanding', 'WouldExceedMaxBlockCostLimit', 'UnsupportedVersion', 'InvalidWritableAccount', 'WouldExceedMaxAccountCostLimit', 'WouldExceedAccountDataBlockLimit', 'TooManyAccountLocks', 'AddressLookupTableNotFound', 'InvalidAddressLookupTableOwner', 'InvalidAddressLookupTableData', 'InvalidAddressLookupTableIndex', 'InvalidRentPayingAccount', 'WouldExceedMaxVoteCostLimit', 'WouldExceedAccountDataTotalLimit', 'MaxLoadedAccountsDataSizeExceeded', 'InvalidLoadedAccountsDataSizeLimit', 'ResanitizationNeeded', 'UnbalancedTransaction', 'ProgramCacheHitMaxLimit', 'CommitCancelled'];
function transactionErrorName(n) {
  return TRANSACTION_ERRORS[n] ?? `TransactionError${n}`;
}

function isFailed(result) {
  return typeof result.err === 'function';
}

// ---- transactions ----
function decodeTx(encoded, encoding) {
  let bytes;
  try {
    bytes = encoding === 'base58' ? b58enc.encode(encoded) : Buffer.from(encoded, 'base64');
  } catch {
    throw new RpcError(-32602, 'invalid transaction: failed to decode');
  }
  let tx;
  let msg;
  try {
    tx = txDecoder.decode(bytes);
    msg = msgDecoder.decode(tx.messageBytes);
  } catch (e) {
    throw new RpcError(-32602, `invalid transaction: ${e.message}`);
  }
  const signatures = Object.values(tx.signatures);
  if (signatures.length === 0 || !signatures[0]) throw new RpcError(-32602, 'invalid transaction: not signed');
  const signature = b58dec.decode(signatures[0]);
  const keys = msg.staticAccounts.map(String);
  return { bytes: Buffer.from(bytes), tx, msg, signature, keys, blockhash: msg.lifetimeToken, version: msg.version };
}

function checkBlockhash(d) {
  const at = blockhashes.get(d.blockhash);
  if (at === undefined || at + BLOCKHASH_VALIDITY < slot) {
    return false;
  }
  return true;
}

function simulate(d) {
  const r = svm.simulateTransaction(d.tx);
  if (isFailed(r)) {
    const m = r.meta();
    return { err: txError(r), logs: m.logs(), unitsConsumed: m.computeUnitsConsumed() };
  }
  const m = r.meta();
  return { err: null, logs: m.logs(), unitsConsumed: m.computeUnitsConsumed() };
}

// land executes a decoded transaction and records it. replay=true skips the blockhash rule and
// the journal (the transaction landed before the restart).
function land(d, replay) {
  const preBalances = d.keys.map((k) => BigInt(svm.getBalance(k) ?? 0n));
  const preTokenBalances = tokenBalances(d.keys);
  const r = svm.sendTransaction(d.tx);
  const failed = isFailed(r);
  const m = failed ? r.meta() : r;
  if (failed) {
    // litesvm does not commit failed transactions; like a validator with skipPreflight we
    // still record them so that their status carries the error.
  }
  const rec = {
    signature: d.signature,
    slot,
    blockTime: BigInt(Math.floor(Date.now() / 1000)),
    bytes: d.bytes.toString('base64'),
    version: d.version === 'legacy' ? 'legacy' : d.version,
    keys: d.keys,
    err: failed ? txError(r) : null,
    logs: m.logs(),
    unitsConsumed: m.computeUnitsConsumed(),
    fee: failed ? 0n : 5000n * BigInt(d.msg.header.numSignerAccounts),
    preBalances,
    postBalances: d.keys.map((k) => BigInt(svm.getBalance(k) ?? 0n)),
    preTokenBalances,
    postTokenBalances: tokenBalances(d.keys),
  };
  record(rec);
  if (!replay) journal({ t: 'tx', b64: rec.bytes, slot: rec.slot.toString() });
  nextSlot();
  return rec;
}

function record(rec) {
  txs.set(rec.signature, rec);
  for (const k of new Set(rec.keys)) {
    let list = byAddress.get(k);
    if (!list) byAddress.set(k, (list = []));
    list.push(rec.signature);
    if (list.length > HISTORY_PER_ADDRESS) list.shift();
  }
}

// ---- journal (persistence across restarts) ----
let journalFd = null;
const journaledHashes = new Set();
function journal(entry) {
  if (journalFd !== null) fs.writeSync(journalFd, JSON.stringify(entry) + '\n');
}

function airdrop(address, lamports, replay) {
  const r = svm.airdrop(address, lamports);
  if (!r || isFailed(r)) throw new RpcError(-32603, `airdrop failed: ${r ? txError(r) : 'unknown'}`);
  const sig = b58dec.decode(r.signature());
  record({
    signature: sig, slot, blockTime: BigInt(Math.floor(Date.now() / 1000)), bytes: null, version: 'legacy',
    keys: [address], err: null, logs: r.logs(), unitsConsumed: 0n, fee: 0n,
    preBalances: [], postBalances: [], preTokenBalances: [], postTokenBalances: [],
  });
  if (!replay) journal({ t: 'airdrop', address, lamports: lamports.toString(), slot: slot.toString() });
  nextSlot();
  return sig;
}

if (opts.state) {
  if (fs.existsSync(opts.state)) {
    const lines = fs.readFileSync(opts.state, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) {
      const e = JSON.parse(line);
      // Resume the slot numbering where it was, so block heights and blockhash validity
      // windows mean the same after a restart.
      if (e.slot !== undefined && BigInt(e.slot) > slot) setSlot(BigInt(e.slot));
      if (e.t === 'tx') land(decodeTx(e.b64, 'base64'), true);
      else if (e.t === 'airdrop') airdrop(e.address, BigInt(e.lamports), true);
      else if (e.t === 'bh') blockhashes.set(e.hash, BigInt(e.slot));
    }
  }
  journalFd = fs.openSync(opts.state, 'a');
}

// ---- status ----
function status(rec) {
  const depth = slot - rec.slot;
  const finalized = depth >= BigInt(opts.finality);
  return {
    slot: rec.slot,
    confirmations: finalized ? null : depth,
    err: rec.err,
    status: rec.err ? { Err: rec.err } : { Ok: null },
    confirmationStatus: finalized ? 'finalized' : 'confirmed',
  };
}

function meetsCommitment(rec, commitment) {
  if (commitment === 'finalized') return slot - rec.slot >= BigInt(opts.finality);
  return true;
}

const ctx = () => ({ slot, apiVersion: '2.2.0' });

function cfg(params, i) {
  const c = params[i];
  return c && typeof c === 'object' ? c : {};
}

function pubkeyParam(v) {
  if (typeof v !== 'string') throw new RpcError(-32602, 'Invalid param: expected a base58 public key');
  try {
    if (b58enc.encode(v).length !== 32) throw new Error();
  } catch {
    throw new RpcError(-32602, `Invalid param: Invalid public key input ${v}`);
  }
  return v;
}

// ---- methods ----
const methods = {
  getHealth: () => 'ok',
  getVersion: () => ({ 'solana-core': '2.2.0-litesvm', 'feature-set': 0 }),
  getGenesisHash: () => 'VibeStreamLocaLiteSVM1111111111111111111111',
  getSlot: () => slot,
  getBlockHeight: () => slot,
  getEpochInfo: () => ({ absoluteSlot: slot, blockHeight: slot, epoch: 0n, slotIndex: slot, slotsInEpoch: 432000n, transactionCount: BigInt(txs.size) }),
  getLatestBlockhash: () => {
    const hash = svm.latestBlockhash();
    if (!journaledHashes.has(hash)) {
      // A client may sign with it, store the transaction and send it after our restart.
      journaledHashes.add(hash);
      journal({ t: 'bh', hash, slot: slot.toString() });
    }
    return { context: ctx(), value: { blockhash: hash, lastValidBlockHeight: slot + BLOCKHASH_VALIDITY } };
  },
  isBlockhashValid: (p) => ({ context: ctx(), value: blockhashes.has(p[0]) && blockhashes.get(p[0]) + BLOCKHASH_VALIDITY >= slot }),
  getFeeForMessage: () => ({ context: ctx(), value: 5000n }),
  getMinimumBalanceForRentExemption: (p) => svm.minimumBalanceForRentExemption(BigInt(p[0] ?? 0)),
  getBalance: (p) => ({ context: ctx(), value: BigInt(svm.getBalance(pubkeyParam(p[0])) ?? 0n) }),
  getAccountInfo: (p) => ({ context: ctx(), value: encodeAccount(account(pubkeyParam(p[0]))) }),
  getMultipleAccounts: (p) => ({ context: ctx(), value: (p[0] ?? []).map((k) => encodeAccount(account(pubkeyParam(k)))) }),
  getTokenAccountBalance: (p) => {
    const t = tokenAccount(pubkeyParam(p[0]));
    if (!t) throw new RpcError(-32602, 'Invalid param: could not find account');
    return { context: ctx(), value: uiAmount(t.amount, mintDecimals(t.mint)) };
  },
  getTokenSupply: (p) => {
    const a = account(pubkeyParam(p[0]));
    if (!a || a.data.length < 82) throw new RpcError(-32602, 'Invalid param: not a Token mint');
    return { context: ctx(), value: uiAmount(readU64(a.data, 36), a.data[44]) };
  },
  getTokenAccountsByOwner: (p) => {
    const owner = pubkeyParam(p[0]);
    const filter = p[1] ?? {};
    const out = [];
    for (const program of [TOKEN_PROGRAM, TOKEN_2022_PROGRAM]) {
      if (filter.programId && filter.programId !== program) continue;
      for (const aa of svm.getProgramAccounts(program)) {
        const addr = String(aa.address);
        const t = tokenAccount(addr);
        if (!t || t.owner !== owner || (filter.mint && filter.mint !== t.mint)) continue;
        out.push({ pubkey: addr, account: encodeAccount(account(addr)) });
      }
    }
    return { context: ctx(), value: out };
  },
  requestAirdrop: (p) => airdrop(pubkeyParam(p[0]), BigInt(p[1])),
  simulateTransaction: (p) => {
    const c = cfg(p, 1);
    const d = decodeTx(p[0], c.encoding ?? 'base58');
    if (!c.replaceRecentBlockhash && c.sigVerify !== false && !checkBlockhash(d)) {
      return { context: ctx(), value: { err: 'BlockhashNotFound', logs: [], accounts: null, unitsConsumed: 0n } };
    }
    const s = simulate(d);
    return { context: ctx(), value: { err: s.err, logs: s.logs, accounts: null, unitsConsumed: s.unitsConsumed } };
  },
  sendTransaction: (p) => {
    const c = cfg(p, 1);
    const d = decodeTx(p[0], c.encoding ?? 'base58');
    if (txs.has(d.signature)) {
      // A resend of a landed transaction: a validator would drop it as a duplicate.
      return d.signature;
    }
    if (!checkBlockhash(d)) {
      throw new RpcError(-32002, 'Transaction simulation failed: Blockhash not found', { err: 'BlockhashNotFound', logs: [], accounts: null, unitsConsumed: 0n });
    }
    if (!c.skipPreflight) {
      const s = simulate(d);
      if (s.err) {
        throw new RpcError(-32002, `Transaction simulation failed: ${typeof s.err === 'string' ? s.err : JSON.stringify(s.err)}`, { err: s.err, logs: s.logs, accounts: null, unitsConsumed: s.unitsConsumed });
      }
    }
    return land(d, false).signature;
  },
  getSignatureStatuses: (p) => ({ context: ctx(), value: (p[0] ?? []).map((s) => (txs.has(s) ? status(txs.get(s)) : null)) }),
  getSignaturesForAddress: (p) => {
    const addr = pubkeyParam(p[0]);
    const c = cfg(p, 1);
    const limit = Math.min(Number(c.limit ?? 1000), 1000);
    const list = byAddress.get(addr) ?? [];
    const out = [];
    let started = !c.before;
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const sig = list[i];
      if (!started) {
        if (sig === c.before) started = true;
        continue;
      }
      if (c.until && sig === c.until) break;
      const rec = txs.get(sig);
      if (!meetsCommitment(rec, c.commitment)) continue;
      const st = status(rec);
      out.push({ signature: sig, slot: rec.slot, err: rec.err, memo: null, blockTime: rec.blockTime, confirmationStatus: st.confirmationStatus });
    }
    return out;
  },
  getTransaction: (p) => {
    const rec = txs.get(p[0]);
    const c = cfg(p, 1);
    if (!rec || !rec.bytes || !meetsCommitment(rec, c.commitment)) return null;
    if (rec.version !== 'legacy' && c.maxSupportedTransactionVersion === undefined) {
      throw new RpcError(-32015, 'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0');
    }
    const encoding = c.encoding ?? 'json';
    if (encoding !== 'base64' && encoding !== 'base58') throw new RpcError(-32602, `encoding ${encoding} is not supported by this adapter: use base64`);
    const txData = encoding === 'base64' ? [rec.bytes, 'base64'] : [b58dec.decode(Buffer.from(rec.bytes, 'base64')), 'base58'];
    return {
      slot: rec.slot,
      blockTime: rec.blockTime,
      version: rec.version,
      transaction: txData,
      meta: {
        err: rec.err,
        status: rec.err ? { Err: rec.err } : { Ok: null },
        fee: rec.fee,
        preBalances: rec.preBalances,
        postBalances: rec.postBalances,
        preTokenBalances: rec.preTokenBalances,
        postTokenBalances: rec.postTokenBalances,
        innerInstructions: [],
        logMessages: rec.logs,
        rewards: [],
        loadedAddresses: { writable: [], readonly: [] },
        computeUnitsConsumed: rec.unitsConsumed,
      },
    };
  },
};

function handle(req) {
  if (!req || req.jsonrpc !== '2.0' || typeof req.method !== 'string') {
    return { jsonrpc: '2.0', id: req?.id ?? null, error: { code: -32600, message: 'Invalid request' } };
  }
  const fn = methods[req.method];
  if (!fn) return { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: `Method not found: ${req.method}` } };
  try {
    return { jsonrpc: '2.0', id: req.id, result: fn(Array.isArray(req.params) ? req.params : []) };
  } catch (e) {
    if (e instanceof RpcError) return { jsonrpc: '2.0', id: req.id, error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) } };
    return { jsonrpc: '2.0', id: req.id, error: { code: -32603, message: `Internal error: ${String(e?.message ?? e)}` } };
  }
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(200, { 'content-type': 'application/json' }).end(stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
      return;
    }
    const out = Array.isArray(body) ? body.map(handle) : handle(body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(stringify(out));
  });
});

const timer = setInterval(nextSlot, opts.slotMs);
server.listen(opts.port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ rpc: `http://127.0.0.1:${server.address().port}` }) + '\n');
});

function shutdown() {
  clearInterval(timer);
  server.close();
  if (journalFd !== null) fs.closeSync(journalFd);
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (opts.watchStdin) {
  // The supervisor's pipe closes when it goes away (a second line of defence after Pdeathsig).
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
