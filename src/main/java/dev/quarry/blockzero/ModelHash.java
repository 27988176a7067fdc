package dev.quarry.blockzero;

import dev.quarry.crypto.Hex;
import dev.quarry.grail.protocol.python.PythonText;
import dev.quarry.storage.pytorch.PytorchCheckpoint;
import dev.quarry.storage.pytorch.PytorchCheckpointWriter;
import dev.quarry.storage.pytorch.StoredTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * BlockZero's model hash ({@code mycelia/shared/helper.py::get_model_hash}): unkeyed BLAKE2b with
 * a 24-byte digest over, for each tensor of the state dict in Python string order (code points),
 * the UTF-8 name immediately followed by the tensor's raw elements in C order, as stored. No
 * separators, lengths or shapes enter the hash. On chain and in requests it travels as 48
 * lowercase hex characters.
 *
 * <p>The state dict is the {@code model_state_dict} of one {@code model_expgroup_<id>.pt} file.
 * The reference hashes through numpy, which cannot represent bfloat16, so it fails on bf16
 * tensors; here they are hashed as their raw bytes (what they would give if numpy could).
 */
public final class ModelHash {

  /** Digest size in bytes (the reference's docstring says 32; the code uses 24). */
  public static final int BYTES = 24;

  /** Python's {@code sorted()} order for str keys: by Unicode code point, not UTF-16 unit. */
  public static final Comparator<String> PYTHON_ORDER = PythonText.ORDER;

  private final byte[] digest;

  private ModelHash(byte[] digest) {
    if (digest.length != BYTES) {
      throw new IllegalArgumentException("a model hash has " + BYTES + " bytes, got " + digest.length);
    }
    this.digest = digest.clone();
  }

  /** Parses the 48-character hex form (case-insensitive). */
  public static ModelHash fromHex(String hex) {
    if (hex == null || !hex.matches("(?i)[0-9a-f]{48}")) {
      throw new IllegalArgumentException("a model hash is 48 hex characters");
    }
    return new ModelHash(Hex.decode(hex));
  }

  public static ModelHash ofBytes(byte[] digest) {
    return new ModelHash(digest);
  }

  /** The hash of an in-memory state dict: name to C-order element bytes. */
  public static ModelHash of(Map<String, ByteBuffer> stateDict) {
    Blake2bDigest blake = new Blake2bDigest(BYTES * 8);
    List<String> names = new ArrayList<>(stateDict.keySet());
    names.sort(PYTHON_ORDER);
    for (String name : names) {
      update(blake, ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)));
      update(blake, stateDict.get(name).duplicate());
    }
    return finish(blake);
  }

  /** The hash of the {@code model_state_dict} in a PyTorch checkpoint file, streamed from disk. */
  public static ModelHash ofFile(Path file) throws IOException {
    try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
      return of(checkpoint);
    }
  }

  /** The hash of an opened checkpoint's {@code model_state_dict}. */
  public static ModelHash of(PytorchCheckpoint checkpoint) throws IOException {
    Map<String, StoredTensor> tensors = checkpoint.stateDict(PytorchCheckpointWriter.MODEL_STATE_DICT);
    Blake2bDigest blake = new Blake2bDigest(BYTES * 8);
    List<String> names = new ArrayList<>(tensors.keySet());
    names.sort(PYTHON_ORDER);
    for (String name : names) {
      update(blake, ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)));
      checkpoint.stream(tensors.get(name), chunk -> update(blake, chunk));
    }
    return finish(blake);
  }

  private static void update(Blake2bDigest blake, ByteBuffer data) {
    if (data.hasArray()) {
      blake.update(data.array(), data.arrayOffset() + data.position(), data.remaining());
      return;
    }
    byte[] chunk = new byte[Math.min(1 << 16, data.remaining())];
    while (data.hasRemaining()) {
      int length = Math.min(chunk.length, data.remaining());
      data.get(chunk, 0, length);
      blake.update(chunk, 0, length);
    }
  }

  private static ModelHash finish(Blake2bDigest blake) {
    byte[] out = new byte[BYTES];
    blake.doFinal(out, 0);
    return new ModelHash(out);
  }

  public byte[] bytes() {
    return digest.clone();
  }

  /** 48 lowercase hex characters, the form committed on chain and signed. */
  public String hex() {
    return Hex.encode(digest);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ModelHash that && MessageDigest.isEqual(digest, that.digest);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return hex();
  }
}
