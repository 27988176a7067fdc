package dev.quarry.chain;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A neuron's served endpoint as stored on chain: {@code ip} is the integer value of the address
 * (IPv4 in the low 32 bits), {@code ipType} 4 or 6, {@code block} when it was last served.
 */
public record AxonInfo(long block, long version, BigInteger ip, int port, int ipType, int protocol) {

  /** The address, or null when none is served (ip 0 / type 0). */
  public InetAddress address() {
    if (ip.signum() == 0 && ipType == 0) {
      return null;
    }
    byte[] raw = ip.toByteArray();
    int length = ipType == 6 ? 16 : 4;
    byte[] bytes = new byte[length];
    for (int i = 0; i < length && i < raw.length; i++) {
      bytes[length - 1 - i] = raw[raw.length - 1 - i];
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** {@code ip:port} as the SDK prints it ({@code "0.0.0.0:0"} style when unset). */
  public String endpoint() {
    InetAddress address = address();
    String host = address == null ? "0.0.0.0" : address.getHostAddress();
    return (ipType == 6 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The integer the chain stores for an address (big-endian value of its bytes). */
  public static BigInteger ipToInteger(InetAddress address) {
    return new BigInteger(1, address.getAddress());
  }
}
