package dev.quarry.chain;

/** A live head subscription; close it to stop deliveries. Closing twice is harmless. */
public interface HeadSubscription extends AutoCloseable {
  @Override
  void close();
}
