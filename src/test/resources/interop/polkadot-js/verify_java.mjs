// Checks Java-produced sr25519 signatures and extrinsics with independent implementations.
// Usage: node verify_java.mjs <samples.json> <finney-metadata.json> <out.json>
// Needs (in the working directory's node_modules): @polkadot/types, @polkadot/util, @polkadot/util-crypto,
// @polkadot/wasm-crypto, @scure/sr25519. Quarry's tests run it only when QUARRY_POLKADOT_JS points at such a
// directory; the committed vector java_signatures_polkadot_verdicts.json records one run.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(pathToFileURL(process.cwd() + '/'));
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const { TypeRegistry, Metadata } = await load('@polkadot/types');
const { hexToU8a, u8aToHex } = await load('@polkadot/util');
const { cryptoWaitReady, blake2AsU8a, encodeAddress } = await load('@polkadot/util-crypto');
const wasm = await load('@polkadot/wasm-crypto');
const scure = await load('@scure/sr25519');
await cryptoWaitReady();
await wasm.waitReady();

const [samplesPath, metadataPath, outPath] = process.argv.slice(2);
const samples = JSON.parse(readFileSync(samplesPath, 'utf8'));
const metadataHex = JSON.parse(readFileSync(metadataPath, 'utf8')).metadata_hex;
const registry = new TypeRegistry();
registry.setMetadata(new Metadata(registry, metadataHex), undefined, {
  SubtensorTransactionExtension: { extrinsic: {}, payload: {} }, DrandPriority: { extrinsic: {}, payload: {} } });

const signatures = samples.signatures.map((s) => {
  const msg = hexToU8a(s.message_hex); const sig = hexToU8a(s.signature_hex); const pub = hexToU8a(s.public_key_hex);
  return { ...s, rust_schnorrkel_wasm: wasm.sr25519Verify(sig, msg, pub), scure_sr25519: scure.verify(msg, sig, pub) };
});

const extrinsics = samples.extrinsics.map((x) => {
  const ext = registry.createType('Extrinsic', hexToU8a(x.extrinsic_hex));
  const p = x.params;
  const payload = registry.createType('ExtrinsicPayload', {
    method: ext.method.toHex(), era: ext.era, nonce: ext.nonce, tip: ext.tip, specVersion: p.spec_version,
    transactionVersion: p.transaction_version, genesisHash: p.genesis_hash, blockHash: p.era_block_hash, mode: 0, metadataHash: null, version: 4,
  }, { version: 4 });
  const bytes = payload.toU8a({ method: true });
  const signed = bytes.length > 256 ? blake2AsU8a(bytes, 256) : bytes;
  const strip = (u8, size) => (u8.length === size + 1 ? u8.slice(1) : u8); // drop an enum variant byte if present
  const sig = strip(ext.signature.toU8a(), 64);
  const signer = strip(ext.signer.toU8a(), 32);
  return {
    ...x,
    decoded: { signer_ss58: encodeAddress(signer, 42), nonce: ext.nonce.toNumber(), tip: ext.tip.toString(), era: ext.era.toHex(),
      section: ext.method.section, method: ext.method.method, args: ext.method.toHuman().args },
    polkadot_js_payload_hex: u8aToHex(bytes),
    signature_valid_rust_schnorrkel_wasm: wasm.sr25519Verify(sig, signed, signer),
    signature_valid_scure_sr25519: scure.verify(signed, sig, signer),
  };
});

const versions = Object.fromEntries(['@polkadot/types', '@polkadot/wasm-crypto', '@scure/sr25519'].map((n) =>
  [n, JSON.parse(readFileSync(process.cwd() + '/node_modules/' + n + '/package.json', 'utf8')).version]));
writeFileSync(outPath, JSON.stringify({ checked_with: { ...versions, node: process.version }, signatures, extrinsics }, null, 1));
console.log('signatures', signatures.length, 'extrinsics', extrinsics.length);
