package dev.quarry.blockzero;

/** Blocks {@code start} to {@code end}, both inclusive, as the phase service reports them. */
public record BlockRange(long start, long end) {

  public BlockRange {
    if (end < start) {
      throw new IllegalArgumentException("block range ends (" + end + ") before it starts (" + start + ")");
    }
  }

  public boolean contains(long block) {
    return start <= block && block <= end;
  }

  public long length() {
    return end - start + 1;
  }
}
