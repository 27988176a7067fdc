package dev.quarry.chain.subtensor;

import dev.quarry.chain.AxonInfo;
import dev.quarry.chain.scale.ScaleWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Encoders for the calls Quarry sends. Pallet and call indices are fixed in subtensor's source
 * ({@code construct_runtime!} and {@code #[pallet::call_index]}); {@link RuntimeCompatibility}
 * verifies them against the live metadata before use.
 */
public final class SubtensorCalls {

  public static final int SUBTENSOR_PALLET = 7;
  public static final int SERVE_AXON = 4;
  public static final int COMMITMENTS_PALLET = 18;
  public static final int SET_COMMITMENT = 0;
  /** {@code Data::Raw0..Raw128}: tag = 1 + length. */
  public static final int MAX_RAW_LENGTH = 128;
  /** The pallet's {@code MaxFields}. */
  public static final int MAX_FIELDS = 3;

  private SubtensorCalls() {}

  /** {@code SubtensorModule.serve_axon(netuid, version, ip, port, ip_type, protocol, 0, 0)}. */
  public static byte[] serveAxon(int netuid, long version, InetAddress ip, int port, int protocol) {
    if (port <= 0 || port > 0xffff) {
      throw new IllegalArgumentException("axon port must be 1..65535, got " + port);
    }
    int ipType = ip instanceof Inet6Address ? 6 : 4;
    return new ScaleWriter()
        .u8(SUBTENSOR_PALLET).u8(SERVE_AXON)
        .u16(netuid)
        .u32(version)
        .u128(AxonInfo.ipToInteger(ip))
        .u16(port)
        .u8(ipType)
        .u8(protocol)
        .u8(0).u8(0)
        .toByteArray();
  }

  /** {@code Commitments.set_commitment(netuid, CommitmentInfo { fields: [Raw(len) …] })}. */
  public static byte[] setCommitment(int netuid, List<byte[]> rawFields) {
    if (rawFields.size() > MAX_FIELDS) {
      throw new IllegalArgumentException("a commitment has at most " + MAX_FIELDS + " fields");
    }
    ScaleWriter out = new ScaleWriter().u8(COMMITMENTS_PALLET).u8(SET_COMMITMENT).u16(netuid).compact(rawFields.size());
    for (byte[] field : rawFields) {
      if (field.length > MAX_RAW_LENGTH) {
        throw new IllegalArgumentException(
            "a commitment field holds at most " + MAX_RAW_LENGTH + " bytes, got " + field.length);
      }
      out.u8(1 + field.length).raw(field);
    }
    return out.toByteArray();
  }
}
