package dev.quarry.chain.subtensor;

import dev.quarry.chain.AxonInfo;
import dev.quarry.chain.BlockHead;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.scale.ScaleException;
import dev.quarry.chain.scale.ScaleReader;
import dev.quarry.chain.scale.ScaleWriter;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decoders for subtensor's SCALE data that Quarry reads: {@code NeuronInfoLite} / {@code
 * NeuronInfo} (layouts frozen by {@code freeze_struct} in {@code rpc_info/neuron_info.rs}),
 * commitment {@code Registration}s with their {@code Data} fields, and block headers (to hash
 * them). Pure functions; malformed input throws {@link ScaleException}.
 */
public final class SubtensorCodec {

  /** A full {@code NeuronInfo}: the lite fields plus (uid, value) weights and bonds. */
  public record NeuronWithWeights(NeuronInfo neuron, List<int[]> weights, List<int[]> bonds) {}

  private SubtensorCodec() {}

  /**
   * The result of {@code NeuronInfoRuntimeApi_get_neurons_lite}: {@code Vec<NeuronInfoLite>}, or
   * the same wrapped in a {@code Vec<u8>} as runtimes before ~spec 210 returned it. The form is
   * recognized by which reading consumes the input exactly.
   */
  public static List<NeuronInfo> neuronsLite(byte[] bytes) {
    ScaleException direct;
    try {
      return neuronVector(new ScaleReader(bytes), false).stream().map(NeuronWithWeights::neuron).toList();
    } catch (ScaleException e) {
      direct = e;
    }
    ScaleReader wrapper = new ScaleReader(bytes);
    int length;
    try {
      length = wrapper.compactLength();
    } catch (ScaleException e) {
      throw direct;
    }
    if (length != wrapper.remaining()) {
      throw direct;
    }
    return neuronVector(new ScaleReader(wrapper.raw(length)), false).stream().map(NeuronWithWeights::neuron).toList();
  }

  /** The result of {@code NeuronInfoRuntimeApi_get_neuron}: {@code Option<NeuronInfo>}. */
  public static Optional<NeuronWithWeights> neuron(byte[] bytes) {
    ScaleReader in = new ScaleReader(bytes);
    if (!in.optionTag()) {
      in.expectEnd("Option<NeuronInfo>");
      return Optional.empty();
    }
    NeuronWithWeights neuron = readNeuron(in, true);
    in.expectEnd("Option<NeuronInfo>");
    return Optional.of(neuron);
  }

  private static List<NeuronWithWeights> neuronVector(ScaleReader in, boolean full) {
    int count = in.compactLength();
    List<NeuronWithWeights> neurons = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      neurons.add(readNeuron(in, full));
    }
    in.expectEnd("Vec<NeuronInfoLite>");
    return neurons;
  }

  private static NeuronWithWeights readNeuron(ScaleReader in, boolean full) {
    AccountId hotkey = new AccountId(in.raw(32));
    AccountId coldkey = new AccountId(in.raw(32));
    int uid = (int) in.compact();
    int netuid = (int) in.compact();
    boolean active = in.bool();
    AxonInfo axon = readAxon(in);
    // PrometheusInfo {block u64, version u32, ip u128, port u16, ip_type u8}: not used by miners.
    in.raw(8 + 4 + 16 + 2 + 1);
    int stakeEntries = in.compactLength();
    long stake = 0;
    for (int i = 0; i < stakeEntries; i++) {
      in.raw(32);
      stake += in.compact();
    }
    int rank = u16Compact(in);
    long emission = in.compact();
    int incentive = u16Compact(in);
    int consensus = u16Compact(in);
    int trust = u16Compact(in);
    int validatorTrust = u16Compact(in);
    int dividends = u16Compact(in);
    long lastUpdate = in.compact();
    boolean validatorPermit = in.bool();
    List<int[]> weights = List.of();
    List<int[]> bonds = List.of();
    if (full) {
      weights = pairs(in);
      bonds = pairs(in);
    }
    int pruningScore = u16Compact(in);
    NeuronInfo neuron = new NeuronInfo(uid, netuid, hotkey, coldkey, active, axon, stake, rank, emission, incentive,
        consensus, trust, validatorTrust, dividends, lastUpdate, validatorPermit, pruningScore);
    return new NeuronWithWeights(neuron, weights, bonds);
  }

  /** {@code AxonInfo {block u64, version u32, ip u128, port u16, ip_type u8, protocol u8, placeholder1 u8, placeholder2 u8}}. */
  public static AxonInfo readAxon(ScaleReader in) {
    long block = in.u64();
    long version = in.u32();
    java.math.BigInteger ip = in.u128();
    int port = in.u16();
    int ipType = in.u8();
    int protocol = in.u8();
    in.u8();
    in.u8();
    return new AxonInfo(block, version, ip, port, ipType, protocol);
  }

  private static List<int[]> pairs(ScaleReader in) {
    int count = in.compactLength();
    List<int[]> pairs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      pairs.add(new int[] {u16Compact(in), u16Compact(in)});
    }
    return pairs;
  }

  private static int u16Compact(ScaleReader in) {
    int at = in.position();
    long value = in.compact();
    if (value > 0xffff) {
      throw new ScaleException("Compact<u16> out of range at offset " + at);
    }
    return (int) value;
  }

  /** {@code Option<u16>} storage of {@code Uids}: absent (null/empty) means not registered. */
  public static java.util.OptionalInt uid(String storageValueHex) {
    if (storageValueHex == null || storageValueHex.equals("0x") || storageValueHex.isEmpty()) {
      return java.util.OptionalInt.empty();
    }
    ScaleReader in = new ScaleReader(Hex.decode(storageValueHex));
    int uid = in.u16();
    in.expectEnd("Uids value");
    return java.util.OptionalInt.of(uid);
  }

  /**
   * A {@code CommitmentOf} value, {@code Registration {deposit u64, block u32, info {fields:
   * Vec<Data>}}}. Raw, BigRaw, hash and timelocked fields yield their bytes; None and
   * ResetBondsFlag yield empty arrays.
   */
  public static Commitment commitment(AccountId hotkey, byte[] registration) {
    ScaleReader in = new ScaleReader(registration);
    in.u64(); // deposit
    long block = in.u32();
    int count = in.compactLength();
    List<byte[]> fields = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      fields.add(readData(in));
    }
    in.expectEnd("Commitments.Registration");
    return new Commitment(hotkey, block, fields);
  }

  /** Encodes a registration the way the chain stores it (used by tests and the local chain). */
  public static byte[] encodeRegistration(long deposit, long block, List<byte[]> rawFields) {
    ScaleWriter out = new ScaleWriter().u64(deposit).u32(block).compact(rawFields.size());
    for (byte[] field : rawFields) {
      out.u8(1 + field.length).raw(field);
    }
    return out.toByteArray();
  }

  private static byte[] readData(ScaleReader in) {
    int at = in.position();
    int tag = in.u8();
    if (tag == 0 || tag == 135) {
      return new byte[0];
    }
    if (tag <= 129) {
      return in.raw(tag - 1);
    }
    if (tag <= 133) {
      return in.raw(32);
    }
    if (tag == 134) {
      byte[] encrypted = in.bytes();
      in.u64(); // reveal_round
      return encrypted;
    }
    if (tag == 136) {
      return in.bytes();
    }
    throw new ScaleException("unknown commitment Data tag " + tag + " at offset " + at);
  }

  /**
   * The block hash of a header: blake2b-256 of {@code parentHash ++ Compact(number) ++ stateRoot
   * ++ extrinsicsRoot ++ Vec<DigestItem>} (the JSON digest logs are already SCALE items).
   */
  public static String headerHash(String parentHash, long number, String stateRoot, String extrinsicsRoot, List<String> logs) {
    ScaleWriter out = new ScaleWriter()
        .raw(Hex.decode(parentHash, 32, "parentHash"))
        .compact(number)
        .raw(Hex.decode(stateRoot, 32, "stateRoot"))
        .raw(Hex.decode(extrinsicsRoot, 32, "extrinsicsRoot"))
        .compact(logs.size());
    for (String log : logs) {
      out.raw(Hex.decode(log));
    }
    return Hex.encode0x(Hashes.blake2b256(out.toByteArray()));
  }

  /** A {@link BlockHead} from a JSON-RPC header object, hashing it locally. */
  public static BlockHead head(com.fasterxml.jackson.databind.JsonNode header) {
    long number = Long.parseLong(header.get("number").asText().substring(2), 16);
    List<String> logs = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode log : header.path("digest").path("logs")) {
      logs.add(log.asText());
    }
    String parent = header.get("parentHash").asText();
    String hash = headerHash(parent, number, header.get("stateRoot").asText(), header.get("extrinsicsRoot").asText(), logs);
    return new BlockHead(number, hash, parent);
  }
}
