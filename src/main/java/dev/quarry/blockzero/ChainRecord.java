package dev.quarry.blockzero;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.grail.protocol.python.PythonJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON records BlockZero neurons publish with {@code Commitments.set_commitment}
 * ({@code mycelia/shared/chain.py}): pydantic models dumped by alias with {@code json.dumps}'
 * default separators and {@code null} for unset fields. A hotkey keeps only its latest
 * commitment, so readers query the chain at the block after each commit phase.
 *
 * <ul>
 *   <li>{@link SignedHash} {@code {"m": sig}}: MinerCommit1 (and a validator's ValidatorCommit1);
 *   <li>{@link MinerRecord} {@code {"b", "e", "m", "h", "v", "i"}}: MinerCommit2;
 *   <li>{@link ValidatorRecord} {@code {"m", "h", "v", "e", "s", "b"}}: a validator's seed
 *       (MinerCommit1) and its model (ValidatorCommit2).
 * </ul>
 *
 * {@link #parse} reads them as every reference reader does: JSON with an {@code "s"} (or
 * {@code "miner_seed"}) key is a validator record, anything else a miner record (so a signed-hash
 * record reads as a miner record with only {@code m} set); values are coerced like pydantic's lax
 * mode; anything unparsable is no record.
 */
public sealed interface ChainRecord permits ChainRecord.SignedHash, ChainRecord.MinerRecord, ChainRecord.ValidatorRecord {

  /** The Commitments pallet's limit for one Raw field. */
  int MAX_BYTES = 128;

  /** The signed model hash ({@code m}), if the record carries one. */
  Optional<String> signedModelHash();

  /** The 48-hex model hash ({@code h}), if any. */
  Optional<String> modelHash();

  /** The expert group ({@code e}), if any. */
  Optional<Long> expertGroup();

  /** The record as the reference serializes it: {@code json.dumps(model.model_dump(by_alias=True))}. */
  String json();

  /** The UTF-8 bytes committed on chain; fails if they exceed {@value #MAX_BYTES}. */
  default byte[] commitmentBytes() {
    byte[] bytes = json().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("the record is " + bytes.length + " bytes; a commitment holds at most " + MAX_BYTES);
    }
    return bytes;
  }

  /** {@code SignedModelHashChainCommit}: the base64url signature of the hex model hash. */
  record SignedHash(String signature) implements ChainRecord {
    @Override
    public Optional<String> signedModelHash() {
      return Optional.ofNullable(signature);
    }

    @Override
    public Optional<String> modelHash() {
      return Optional.empty();
    }

    @Override
    public Optional<Long> expertGroup() {
      return Optional.empty();
    }

    @Override
    public String json() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("m", signature);
      return PythonJson.dumps(fields, PythonJson.Style.DEFAULT);
    }
  }

  /**
   * {@code MinerChainCommit}; absent {@code v}/{@code i} default to 0 as in the reference, an
   * explicit {@code null} stays null.
   */
  record MinerRecord(Long block, Long group, String signature, String hash, Long globalVersion, Long innerStep)
      implements ChainRecord {
    @Override
    public Optional<String> signedModelHash() {
      return Optional.ofNullable(signature);
    }

    @Override
    public Optional<String> modelHash() {
      return Optional.ofNullable(hash);
    }

    @Override
    public Optional<Long> expertGroup() {
      return Optional.ofNullable(group);
    }

    @Override
    public String json() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("b", block);
      fields.put("e", group);
      fields.put("m", signature);
      fields.put("h", hash);
      fields.put("v", globalVersion);
      fields.put("i", innerStep);
      return PythonJson.dumps(fields, PythonJson.Style.DEFAULT);
    }
  }

  /** {@code ValidatorChainCommit}: a validator's model, version, group, assignment seed and block. */
  record ValidatorRecord(String signature, String hash, Long globalVersion, Long group, Long minerSeed, Long block)
      implements ChainRecord {
    @Override
    public Optional<String> signedModelHash() {
      return Optional.ofNullable(signature);
    }

    @Override
    public Optional<String> modelHash() {
      return Optional.ofNullable(hash);
    }

    @Override
    public Optional<Long> expertGroup() {
      return Optional.ofNullable(group);
    }

    @Override
    public String json() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("m", signature);
      fields.put("h", hash);
      fields.put("v", globalVersion);
      fields.put("e", group);
      fields.put("s", minerSeed);
      fields.put("b", block);
      return PythonJson.dumps(fields, PythonJson.Style.DEFAULT);
    }
  }

  /** Parses a commitment's text as the reference's {@code get_chain_commits} does; empty if it would be None. */
  static Optional<ChainRecord> parse(String text) {
    return Parsing.parse(text);
  }

  /** The parsing rules, kept out of the interface's public surface. */
  final class Parsing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTEGER_TEXT = Pattern.compile("\\s*([+-]?)(\\d+(?:_\\d+)*)(?:\\.0*)?\\s*");

    private Parsing() {}

    static Optional<ChainRecord> parse(String text) {
      JsonNode root;
      try {
        root = JSON.readTree(text);
      } catch (java.io.IOException | RuntimeException notJson) {
        return Optional.empty();
      }
      if (root == null || !root.isObject()) {
        return Optional.empty();
      }
      try {
        if (root.has("miner_seed") || root.has("s")) {
          return Optional.of(new ValidatorRecord(string(root, "m", "signed_model_hash"), string(root, "h", "model_hash"),
              integer(root, "v", "global_ver", null), integer(root, "e", "expert_group", null),
              integer(root, "s", "miner_seed", null), integer(root, "b", "block", null)));
        }
        return Optional.of(new MinerRecord(integer(root, "b", "block", null), integer(root, "e", "expert_group", null),
            string(root, "m", "signed_model_hash"), string(root, "h", "model_hash"), integer(root, "v", "global_ver", 0L),
            integer(root, "i", "inner_opt", 0L)));
      } catch (IllegalArgumentException invalid) {
        return Optional.empty();
      }
    }

    /** The aliased field if present, else the field by name (populate_by_name). */
    private static JsonNode field(JsonNode root, String alias, String name) {
      return root.has(alias) ? root.get(alias) : root.get(name);
    }

    private static String string(JsonNode root, String alias, String name) {
      JsonNode value = field(root, alias, name);
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isTextual()) {
        throw new IllegalArgumentException("not a string");
      }
      return value.asText();
    }

    private static Long integer(JsonNode root, String alias, String name, Long absent) {
      JsonNode value = field(root, alias, name);
      if (value == null) {
        return absent;
      }
      if (value.isNull()) {
        return null;
      }
      if (value.isBoolean()) {
        return value.asBoolean() ? 1L : 0L;
      }
      if (value.isIntegralNumber()) {
        return exact(value.bigIntegerValue());
      }
      if (value.isFloatingPointNumber()) {
        BigDecimal decimal = value.decimalValue();
        if (decimal.stripTrailingZeros().scale() > 0) {
          throw new IllegalArgumentException("not a whole number");
        }
        return exact(decimal.toBigIntegerExact());
      }
      if (value.isTextual()) {
        Matcher matcher = INTEGER_TEXT.matcher(value.asText());
        if (!matcher.matches()) {
          throw new IllegalArgumentException("not an integer");
        }
        BigInteger parsed = new BigInteger(matcher.group(2).replace("_", ""));
        return exact(matcher.group(1).equals("-") ? parsed.negate() : parsed);
      }
      throw new IllegalArgumentException("not an integer");
    }

    private static Long exact(BigInteger value) {
      if (value.bitLength() > 63) {
        throw new IllegalArgumentException("too large");
      }
      return value.longValue();
    }
  }
}
