package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the files {@code quarry protocol} subcommands take (formats in docs/protocol-cli.md). Every
 * problem becomes a {@link UserError} naming the file and what to change.
 */
final class ProtocolInputs {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Hidden states: {@code positions × hiddenSize} floats, row-major. */
  record HiddenStates(float[] values, int positions, int hiddenSize) {}

  private ProtocolInputs() {}

  /** Token ids: a JSON array of integers, or integers separated by whitespace and/or commas. */
  static int[] readTokens(Path file) {
    String text = readText(file).strip();
    if (text.isEmpty()) {
      throw new UserError("the tokens file " + file + " is empty; write the rollout's token ids (prompt then completion) "
          + "as a JSON array or whitespace-separated integers");
    }
    List<Long> values = new ArrayList<>();
    if (text.startsWith("[")) {
      JsonNode array = parseJson(file, text);
      if (!array.isArray()) {
        throw new UserError("the tokens file " + file + " must hold one JSON array of integers");
      }
      for (JsonNode node : array) {
        if (!node.isIntegralNumber()) {
          throw new UserError("the tokens file " + file + " holds '" + node + "', which is not an integer token id");
        }
        values.add(node.asLong());
      }
    } else {
      for (String part : text.split("[\\s,]+")) {
        try {
          values.add(Long.parseLong(part));
        } catch (NumberFormatException notANumber) {
          throw new UserError("the tokens file " + file + " holds '" + part + "', which is not an integer token id");
        }
      }
    }
    int[] tokens = new int[values.size()];
    for (int i = 0; i < tokens.length; i++) {
      long value = values.get(i);
      if (value < 0 || value > Integer.MAX_VALUE) {
        throw new UserError("token id " + value + " in " + file + " is outside 0.." + Integer.MAX_VALUE);
      }
      tokens[i] = (int) value;
    }
    return tokens;
  }

  /**
   * Hidden states: a {@code .npy} array (float32, float64 or float16; 1-D for one position or 2-D
   * positions × hidden, C order), or JSON — an array of numbers (one position) or an array of
   * equally long arrays. JSON numbers are rounded to float32, as the model's outputs are.
   */
  static HiddenStates readHiddenStates(Path file) {
    byte[] bytes = readBytes(file);
    if (bytes.length >= 6 && (bytes[0] & 0xff) == 0x93 && bytes[1] == 'N' && bytes[2] == 'U' && bytes[3] == 'M'
        && bytes[4] == 'P' && bytes[5] == 'Y') {
      return readNpy(file, bytes);
    }
    JsonNode root = parseJson(file, decode(file, bytes));
    if (!root.isArray() || root.isEmpty()) {
      throw new UserError("the hidden-state file " + file + " must be a .npy array or a JSON array of numbers or of rows");
    }
    boolean matrix = root.get(0).isArray();
    int positions = matrix ? root.size() : 1;
    int hidden = matrix ? root.get(0).size() : root.size();
    float[] values = new float[positions * hidden];
    for (int p = 0; p < positions; p++) {
      JsonNode row = matrix ? root.get(p) : root;
      if (!row.isArray() || row.size() != hidden) {
        throw new UserError("row " + p + " of " + file + " has " + row.size() + " values; every row needs " + hidden);
      }
      for (int h = 0; h < hidden; h++) {
        JsonNode value = row.get(h);
        if (!value.isNumber()) {
          throw new UserError("row " + p + " of " + file + " holds '" + value + "', which is not a number");
        }
        values[p * hidden + h] = (float) value.asDouble();
      }
    }
    return new HiddenStates(values, positions, hidden);
  }

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private static HiddenStates readNpy(Path file, byte[] bytes) {
    int major = bytes[6] & 0xff;
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = buffer.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      headerLength = buffer.getInt(8);
      headerStart = 12;
    } else {
      throw new UserError(file + " is .npy version " + major + ", which is not supported; save it with numpy.save");
    }
    if (headerStart + headerLength > bytes.length) {
      throw new UserError(file + " is truncated: its .npy header runs past the end of the file");
    }
    String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shape = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shape.find()) {
      throw new UserError(file + " has an unreadable .npy header: " + header.strip());
    }
    if (fortran.group(1).equals("True")) {
      throw new UserError(file + " is in Fortran order; save a C-ordered array (numpy.ascontiguousarray)");
    }
    List<Integer> dimensions = new ArrayList<>();
    for (String part : shape.group(1).split(",")) {
      if (!part.isBlank()) {
        dimensions.add(Integer.parseInt(part.strip()));
      }
    }
    if (dimensions.isEmpty() || dimensions.size() > 2) {
      throw new UserError(file + " has shape " + dimensions + "; give one position (hidden,) or a matrix (positions, hidden)");
    }
    int positions = dimensions.size() == 2 ? dimensions.get(0) : 1;
    int hidden = dimensions.get(dimensions.size() - 1);
    String type = descr.group(1);
    int width = switch (type) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      case "<f2" -> 2;
      default -> throw new UserError(file + " holds dtype '" + type + "'; convert it to float32 (bf16 tensors: .float().numpy())");
    };
    int dataStart = headerStart + headerLength;
    long needed = (long) positions * hidden * width;
    if (bytes.length - dataStart < needed) {
      throw new UserError(file + " is truncated: shape " + dimensions + " needs " + needed + " data bytes");
    }
    float[] values = new float[positions * hidden];
    for (int i = 0; i < values.length; i++) {
      int at = dataStart + i * width;
      values[i] = switch (width) {
        case 4 -> buffer.getFloat(at);
        case 8 -> (float) buffer.getDouble(at);
        default -> halfToFloat(buffer.getShort(at));
      };
    }
    return new HiddenStates(values, positions, hidden);
  }

  /** IEEE half precision to float (exact: every half is a float). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** A completion exactly as decoded text: the file's UTF-8, nothing stripped. */
  static String readCompletion(Path file) {
    return readText(file);
  }

  static String readText(Path file) {
    return decode(file, readBytes(file));
  }

  static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException missing) {
      throw new UserError("no such file: " + file);
    } catch (IOException unreadable) {
      throw new UserError("cannot read " + file + ": " + unreadable.getMessage(), unreadable);
    }
  }

  private static String decode(Path file, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      throw new UserError(file + " is not UTF-8 text");
    }
  }

  static JsonNode parseJson(Path file, String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
      throw new UserError(file + " is not valid JSON: " + malformed.getOriginalMessage());
    }
  }
}
