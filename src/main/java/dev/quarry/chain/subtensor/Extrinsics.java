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

  /** A signed v4 extrinsic taken apart: signer, signature, explicit extension data and call. */
  public record Decoded(AccountId signer, byte[] signature, Era era, long nonce, long tip, int metadataHashMode, byte[] call) {}

  /**
   * Parses a signed v4 extrinsic (length prefix included) with subtensor's extension layout, as a
   * node does before checking it. Throws {@link dev.quarry.chain.scale.ScaleException} on
   * anything else.
   */
  public static Decoded decode(byte[] extrinsic) {
    dev.quarry.chain.scale.ScaleReader in = new dev.quarry.chain.scale.ScaleReader(extrinsic);
    int length = in.compactLength();
    if (length != in.remaining()) {
      throw new dev.quarry.chain.scale.ScaleException("extrinsic length prefix " + length + " does not match " + in.remaining() + " bytes");
    }
    if (in.u8() != SIGNED_V4) {
      throw new dev.quarry.chain.scale.ScaleException("not a signed version-4 extrinsic");
    }
    if (in.u8() != MULTI_ADDRESS_ID) {
      throw new dev.quarry.chain.scale.ScaleException("signer is not a MultiAddress::Id");
    }
    AccountId signer = new AccountId(in.raw(32));
    if (in.u8() != MULTI_SIGNATURE_SR25519) {
      throw new dev.quarry.chain.scale.ScaleException("signature is not sr25519");
    }
    byte[] signature = in.raw(64);
    int first = in.u8();
    Era era = first == 0 ? Era.IMMORTAL : Era.decode(new byte[] {(byte) first, (byte) in.u8()});
    long nonce = in.compact();
    long tip = in.compact();
    int mode = in.u8();
    if (mode > 1) {
      throw new dev.quarry.chain.scale.ScaleException("CheckMetadataHash mode " + mode + " is not 0 or 1");
    }
    return new Decoded(signer, signature, era, nonce, tip, mode, in.raw(in.remaining()));
  }

  /** True when the decoded extrinsic's signature is valid for the given implicit data. */
  public static boolean verify(Decoded extrinsic, TransactionParams params) {
    byte[] payload = signingPayload(extrinsic.call(), params);
    return dev.quarry.crypto.Sr25519.verify(extrinsic.signer().bytes(), bytesToSign(payload), extrinsic.signature());
  }

  /** The transaction hash nodes report: blake2b-256 of the whole extrinsic, length prefix included. */
  public static byte[] hash(byte[] extrinsic) {
    return Hashes.blake2b256(extrinsic);
  }
}
