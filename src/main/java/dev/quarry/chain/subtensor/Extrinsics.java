package dev.quarry.chain.subtensor;

import dev.quarry.chain.scale.ScaleWriter;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Keypair;
import java.util.function.UnaryOperator;

/**
 * Signed extrinsics, version 4, in subtensor's extension layout (CheckNonZeroSender,
 * CheckSpecVersion, CheckTxVersion, CheckGenesis, CheckMortality, CheckNonce, CheckWeight,
 * ChargeTransactionPayment, [SudoTransactionExtension, CheckShieldedTxValidity,]
 * SubtensorTransactionExtension, DrandPriority, CheckMetadataHash). Only era, nonce, tip and the
 * metadata-hash mode are explicit; {@link RuntimeCompatibility} checks that the live runtime has
 * no other non-empty extension before anything is signed.
 */
public final class Extrinsics {

  private static final int SIGNED_V4 = 0x84;
  private static final int MULTI_ADDRESS_ID = 0x00;
  private static final int MULTI_SIGNATURE_SR25519 = 0x01;

  private Extrinsics() {}

  /** The explicit extension bytes: era ++ Compact(nonce) ++ Compact(tip) ++ mode. */
  public static byte[] extra(TransactionParams params) {
    return new ScaleWriter()
        .raw(params.era().encode())
        .compact(params.nonce())
        .compact(params.tip())
        .u8(params.metadataHash() == null ? 0 : 1)
        .toByteArray();
  }

  /** {@code call ++ extra ++ spec ++ tx ++ genesis ++ era block hash ++ Option(metadata hash)}. */
  public static byte[] signingPayload(byte[] call, TransactionParams params) {
    ScaleWriter out = new ScaleWriter()
        .raw(call)
        .raw(extra(params))
        .u32(params.specVersion())
        .u32(params.transactionVersion())
        .raw(params.genesisHash())
        .raw(params.eraBlockHash());
    if (params.metadataHash() == null) {
      out.u8(0);
    } else {
      out.u8(1).raw(params.metadataHash());
    }
    return out.toByteArray();
  }

  /** What is actually signed: the payload, or its blake2b-256 when longer than 256 bytes. */
  public static byte[] bytesToSign(byte[] payload) {
    return payload.length > 256 ? Hashes.blake2b256(payload) : payload;
  }

  /** The complete extrinsic (with its compact length prefix), signed by {@code signer}. */
  public static byte[] signed(byte[] call, Keypair signer, TransactionParams params) {
    return signed(call, signer.accountId(), signer::sign, params);
  }

  /** As {@link #signed(byte[], Keypair, TransactionParams)} with a caller-provided signing function. */
  public static byte[] signed(byte[] call, AccountId signer, UnaryOperator<byte[]> sign, TransactionParams params) {
    byte[] signature = sign.apply(bytesToSign(signingPayload(call, params)));
    if (signature.length != 64) {
      throw new IllegalArgumentException("an sr25519 signature is 64 bytes");
    }
    byte[] body = new ScaleWriter()
        .u8(SIGNED_V4)
        .u8(MULTI_ADDRESS_ID)
        .raw(signer.bytes())
        .u8(MULTI_SIGNATURE_SR25519)
        .raw(signature)
        .raw(extra(params))
        .raw(call)
        .toByteArray();
    return new ScaleWriter().bytes(body).toByteArray();
  }

  /** The transaction hash nodes report: blake2b-256 of the whole extrinsic, length prefix included. */
  public static byte[] hash(byte[] extrinsic) {
    return Hashes.blake2b256(extrinsic);
  }
}
