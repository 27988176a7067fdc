package dev.quarry.grail.protocol.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PythonTextTest {

  @Test
  void whitespaceIsPythonsNotJavas() {
    // U+001C..U+001F, U+0085 and U+00A0 are whitespace to Python; Character.isWhitespace says otherwise for some.
    assertThat(PythonText.strip("\u00a0\u001cab c\u2003\u0085")).isEqualTo("ab c");
    assertThat(PythonText.strip("\u200bx")).isEqualTo("\u200bx");
    Pattern whitespace = Pattern.compile(PythonText.WHITESPACE_CLASS);
    for (int codePoint = 0; codePoint < 0x3100; codePoint++) {
      assertThat(whitespace.matcher(new String(Character.toChars(codePoint))).matches())
          .as("U+%04X", codePoint)
          .isEqualTo(PythonText.isSpace(codePoint));
    }
  }

  @Test
  void lengthsAndSlicesCountCodePoints() {
    String text = "a\uD83D\uDE00b";
    assertThat(PythonText.length(text)).isEqualTo(3);
    assertThat(PythonText.codePointsAfter(text, 1)).isEqualTo(2);
    assertThat(PythonText.slice(text, 1, 2)).isEqualTo("\uD83D\uDE00");
    assertThat(PythonText.prefix("12345678901", 8)).isEqualTo("12345678");
  }
}
