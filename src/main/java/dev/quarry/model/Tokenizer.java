package dev.quarry.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A checkpoint's tokenizer: Hugging Face's {@code tokenizers} library (through DJL's JNI binding)
 * on the checkpoint's {@code tokenizer.json}, with the special tokens its
 * {@code tokenizer_config.json} declares. Never truncates or pads. Safe for concurrent use.
 *
 * <p>{@link #encode} is {@code tokenizer(text)["input_ids"]} in transformers: special tokens are
 * added exactly as the tokenizer's post-processor says (Qwen adds none). {@link #decode} keeps
 * special tokens, as Grail decodes completions.
 */
public final class Tokenizer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, String> specialTokens;
  private final OptionalInt eosTokenId;
  private final OptionalInt padTokenId;

  private Tokenizer(HuggingFaceTokenizer tokenizer, Map<String, String> specialTokens) {
    this.tokenizer = tokenizer;
    this.specialTokens = Collections.unmodifiableMap(specialTokens);
    this.eosTokenId = idOf(specialTokens.get("eos_token"));
    this.padTokenId = idOf(specialTokens.get("pad_token"));
  }

  /** Loads {@code tokenizer.json} (required) and {@code tokenizer_config.json} (optional) from a directory. */
  public static Tokenizer load(Path directory) throws ModelLoadException {
    Path tokenizerJson = directory.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new ModelLoadException("no tokenizer.json in " + directory
          + "; the checkpoint must ship the Hugging Face fast tokenizer file");
    }
    Map<String, String> special = new LinkedHashMap<>();
    Path configFile = directory.resolve("tokenizer_config.json");
    if (Files.isRegularFile(configFile)) {
      JsonNode config;
      try {
        config = JSON.readTree(Files.readString(configFile));
      } catch (IOException exception) {
        throw new ModelLoadException("cannot parse " + configFile + ": " + exception.getMessage(), exception);
      }
      for (String key : new String[] {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
          "mask_token"}) {
        String token = tokenText(config.get(key));
        if (token != null) {
          special.put(key, token);
        }
      }
    }
    HuggingFaceTokenizer native_;
    try {
      native_ = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
          "addSpecialTokens", "true",
          "truncation", "false",
          "padding", "false",
          "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
    } catch (IOException | RuntimeException exception) {
      throw new ModelLoadException("cannot load " + tokenizerJson + ": " + exception.getMessage(), exception);
    }
    return new Tokenizer(native_, special);
  }

  /** A special token in tokenizer_config.json is either a string or an AddedToken object. */
  private static String tokenText(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    JsonNode content = node.get("content");
    return content != null && content.isTextual() ? content.asText() : null;
  }

  private OptionalInt idOf(String token) {
    if (token == null) {
      return OptionalInt.empty();
    }
    long[] ids = tokenizer.encode(token, false, false).getIds();
    return ids.length == 1 ? OptionalInt.of((int) ids[0]) : OptionalInt.empty();
  }

  /** Token ids of {@code text} as {@code tokenizer(text)} gives them. */
  public int[] encode(String text) {
    return toInts(tokenizer.encode(text, true, false));
  }

  /** Token ids without any special tokens the post-processor would add. */
  public int[] encodeWithoutSpecialTokens(String text) {
    return toInts(tokenizer.encode(text, false, false));
  }

  private static int[] toInts(Encoding encoding) {
    long[] ids = encoding.getIds();
    int[] result = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      result[i] = (int) ids[i];
    }
    return result;
  }

  /** Text of the ids, special tokens kept ({@code skip_special_tokens=False}). */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, skipSpecialTokens);
  }

  /** The id of a single token's text (e.g. {@code <|im_end|>}), if it is one token. */
  public OptionalInt tokenId(String token) {
    return idOf(token);
  }

  /** {@code tokenizer.eos_token_id}: the id of tokenizer_config.json's eos_token. */
  public OptionalInt eosTokenId() {
    return eosTokenId;
  }

  public OptionalInt padTokenId() {
    return padTokenId;
  }

  /** The named special tokens (bos_token, eos_token, pad_token, ...) as chat templates receive them. */
  public Map<String, String> specialTokens() {
    return specialTokens;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
