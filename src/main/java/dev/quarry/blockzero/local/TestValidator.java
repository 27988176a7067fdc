package dev.quarry.blockzero.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.blockzero.BlockRange;
import dev.quarry.blockzero.ChainRecord;
import dev.quarry.blockzero.ExpertGroups;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.PhaseInfo;
import dev.quarry.blockzero.PhaseName;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.blockzero.SignedMessages;
import dev.quarry.blockzero.ValidatorAssignment;
import dev.quarry.chain.Chain;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.HeadSubscription;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BlockZero validator for tests and {@code --local} runs. On chain it behaves like the
 * reference's {@code validator/run.py}: in MinerCommit1 it commits its assignment seed and model
 * hash ({@code {"m", "h", "v", "e", "s", "b"}}), in ValidatorCommit1 the signed hash, in
 * ValidatorCommit2 the hash and version. Over HTTP it is the reference's {@code validator/server.py}:
 *
 * <ul>
 *   <li>{@code GET /get-checkpoint} (form body): the requester's signature over
 *       {@code pubkey || block} must verify (the reference computes this and ignores the result),
 *       the target must be this validator; answers its {@code model_expgroup_<g>.pt};
 *   <li>{@code POST /submit-checkpoint} (multipart): target is this validator (403), it is the
 *       Submission phase and the sender's block lies in it (409, 400), the sender is assigned to
 *       this validator by the deterministic assignment (403), no earlier upload in this phase
 *       (409), a safe file name (400); then, after storing, the sender's MinerCommit2 record must
 *       exist, its hash equal the upload's model hash, its MinerCommit1 signature verify, and the
 *       form signature verify over {@code model_hex || block_hex}, which must themselves be that
 *       hash and this validator's block message (checks the reference leaves out); else the file
 *       is deleted and 400 returned.
 * </ul>
 *
 * "Accepted" therefore means a real validator's checks passed (stricter, not looser). Unlike the
 * reference validator it does not apply the majority-hash filter to miners' records (see
 * docs/blockzero.md), and it does not evaluate or merge: its model stays at the version it was given.
 */
public final class TestValidator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TestValidator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final List<String> EXTENSIONS = List.of(".pt", ".bin", ".ckpt", ".safetensors", ".tar");

  /** What the validator serves and how it commits. */
  public record Config(Keypair hotkey, int netuid, int group, PhaseSchedule schedule, Path modelDirectory, long globalVersion,
      long seed, Path submissions, Optional<String> token) {}

  /** A submission that passed every check. */
  public record Accepted(String minerHotkey, long originBlock, Path storedPath, String modelHash, long serverBlock) {}

  private final Config config;
  private final Chain chain;
  private final ActorSystem<?> system;
  private final Executor blocking;
  private final ModelHash modelHash;
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final Map<String, Long> committedAt = new HashMap<>();
  private ServerBinding binding;
  private HeadSubscription heads;

  private TestValidator(Config config, Chain chain, ActorSystem<?> system) throws IOException {
    this.config = config;
    this.chain = chain;
    this.system = system;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.modelHash = ModelHash.ofFile(config.modelDirectory().resolve(ExpertGroups.fileName(config.group())));
  }

  /** Binds the endpoints on {@code host:port} and starts committing on every new block. */
  public static CompletionStage<TestValidator> start(ActorSystem<?> system, Chain chain, Config config, String host, int port) {
    TestValidator validator;
    try {
      validator = new TestValidator(config, chain, system);
    } catch (IOException unreadable) {
      return CompletableFuture.failedFuture(unreadable);
    }
    return Http.get(system).newServerAt(host, port)
        .bind((org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>) validator::answer)
        .thenApply(bound -> {
          validator.binding = bound;
          validator.heads = chain.subscribeHeads(head -> validator.onBlock(head.number()));
          LOG.info("test validator {} serving version {} of group {} (hash {}) on {}", config.hotkey().ss58Address(),
              config.globalVersion(), config.group(), validator.modelHash, bound.localAddress());
          return validator;
        });
  }

  public ModelHash modelHash() {
    return modelHash;
  }

  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** Submissions that passed every check, in arrival order. */
  public List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  /** Why requests were refused, in arrival order. */
  public List<String> refusals() {
    return List.copyOf(refusals);
  }

  // ---- chain role -----------------------------------------------------------------------------

  private synchronized void onBlock(long block) {
    PhaseInfo phase = config.schedule().phaseAt(block);
    String key = phase.cycleIndex() + ":" + phase.phaseName();
    if (committedAt.containsKey(key)) {
      return;
    }
    ChainRecord record;
    if (phase.is(PhaseName.MINER_COMMIT_1)) {
      record = new ChainRecord.ValidatorRecord(null, modelHash.hex(), config.globalVersion(), (long) config.group(), config.seed(), block);
    } else if (phase.is(PhaseName.VALIDATOR_COMMIT_1)) {
      record = new ChainRecord.SignedHash(SignedMessages.sign(config.hotkey(), SignedMessages.modelHashMessage(modelHash)));
    } else if (phase.is(PhaseName.VALIDATOR_COMMIT_2)) {
      record = new ChainRecord.ValidatorRecord(null, modelHash.hex(), config.globalVersion(), (long) config.group(), 0L, block);
    } else {
      return;
    }
    committedAt.put(key, block);
    chain.setCommitment(config.hotkey(), config.netuid(), record.commitmentBytes()).whenComplete((inclusion, failure) -> {
      if (failure != null) {
        LOG.warn("test validator could not commit in {}: {}", phase.phaseName(), failure.getMessage());
      }
    });
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> answer(HttpRequest request) {
    String path = request.getUri().path();
    try {
      if (path.equals("/get-checkpoint") && request.method().equals(HttpMethods.GET)) {
        return getCheckpoint(request);
      }
      if (path.equals("/submit-checkpoint") && request.method().equals(HttpMethods.POST)) {
        return submitCheckpoint(request).exceptionally(failure -> {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
          return cause instanceof Refusal refusal ? refuse(refusal.status, refusal.getMessage()) : refuse(500, "failed: " + cause);
        });
      }
      if (path.equals("/ping")) {
        return CompletableFuture.completedFuture(json(200, "{\"status\":\"ok\"}"));
      }
    } catch (Refusal refusal) {
      return CompletableFuture.completedFuture(refuse(refusal.status, refusal.getMessage()));
    }
    return CompletableFuture.completedFuture(json(404, "{\"detail\":\"Not Found\"}"));
  }

  private CompletionStage<HttpResponse> getCheckpoint(HttpRequest request) {
    Materializer materializer = Materializer.matFromSystem(system);
    return request.entity().toStrict(10_000, materializer).thenCompose(strict -> {
      try {
        authorize(request);
        Map<String, String> form = urlEncoded(strict.getData().utf8String());
        String target = required(form, "target_hotkey_ss58");
        String origin = required(form, "origin_hotkey_ss58");
        long block = number(required(form, "origin_block"), "origin_block");
        if (!target.equals(config.hotkey().ss58Address())) {
          throw new Refusal(403, "Submission target hotkey does not match this validator");
        }
        if (!SignedMessages.verify(account(origin), SignedMessages.blockMessage(config.hotkey().accountId(), block),
            required(form, "signature"))) {
          throw new Refusal(403, "Invalid signature");
        }
        String group = form.get("expert_group_id");
        Path file = config.modelDirectory().resolve(group == null ? "model.pt" : group.equals("shared") ? "model_shared.pt"
            : "model_expgroup_" + number(group, "expert_group_id") + ".pt");
        if (!Files.isRegularFile(file)) {
          throw new Refusal(404, "Checkpoint not found: " + file.getFileName());
        }
        return CompletableFuture.completedFuture(HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, file))
            .addHeader(RawHeader.create("Content-Disposition", "attachment; filename=\"step" + config.globalVersion() + "\""))
            .addHeader(RawHeader.create("Cache-Control", "no-store")));
      } catch (Refusal refusal) {
        return CompletableFuture.completedFuture(refuse(refusal.status, refusal.getMessage()));
      }
    });
  }

  private record Upload(Map<String, String> fields, String fileName, Path file, long bytes, String sha256) {}

  private CompletionStage<HttpResponse> submitCheckpoint(HttpRequest request) throws Refusal {
    authorize(request);
    Materializer materializer = Materializer.matFromSystem(system);
    Path incoming;
    try {
      Files.createDirectories(config.submissions());
      incoming = Files.createTempFile(config.submissions(), ".tmp_upload", ".pt");
    } catch (IOException unwritable) {
      throw new Refusal(500, "Failed to store file");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    String[] fileName = {null};
    return Unmarshaller.entityToMultipartFormData().unmarshal(request.entity(), system)
        .thenCompose(form -> form.getParts().mapAsync(1, part -> {
          if ("file".equals(part.getName())) {
            fileName[0] = part.getFilename().orElse("");
            return part.getEntity().getDataBytes().runWith(FileIO.toPath(incoming), materializer).thenApply(done -> true);
          }
          return part.getEntity().getDataBytes().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer)
              .thenApply(bytes -> {
                fields.put(part.getName(), bytes.utf8String());
                return true;
              });
        }).runWith(Sink.ignore(), materializer))
        .thenCompose(done -> chain.currentBlock())
        .thenComposeAsync(serverBlock -> {
          try {
            return validate(fields, fileName[0], incoming, serverBlock);
          } catch (Refusal refusal) {
            return CompletableFuture.failedFuture(refusal);
          }
        }, blocking)
        .whenComplete((response, failure) -> {
          try {
            Files.deleteIfExists(incoming);
          } catch (IOException ignored) {
            // temporary upload; the directory is the validator's own
          }
        });
  }

  private CompletionStage<HttpResponse> validate(Map<String, String> fields, String fileName, Path incoming, long serverBlock)
      throws Refusal {
    String target = required(fields, "target_hotkey_ss58");
    String origin = required(fields, "origin_hotkey_ss58");
    long originBlock = number(required(fields, "origin_block"), "origin_block");
    if (!target.equals(config.hotkey().ss58Address())) {
      throw new Refusal(403, "Submission target hotkey does not match this validator");
    }
    PhaseInfo phase = config.schedule().phaseAt(serverBlock);
    if (!phase.is(PhaseName.SUBMISSION)) {
      throw new Refusal(409, "Submissions are only accepted during submission phase");
    }
    if (!phase.range().contains(originBlock)) {
      throw new Refusal(400, "Origin block is not within the submission phase");
    }
    Map<AccountId, ChainRecord> latest = records(chain.commitments(config.netuid()));
    Map<String, Long> seeds = new LinkedHashMap<>();
    List<String> miners = new ArrayList<>();
    latest.forEach((account, record) -> {
      if (record instanceof ChainRecord.ValidatorRecord validator && validator.group() != null && validator.group() == config.group()) {
        seeds.put(account.ss58(), validator.minerSeed());
      } else if (record instanceof ChainRecord.MinerRecord miner && miner.group() != null && miner.group() == config.group()) {
        miners.add(account.ss58());
      }
    });
    if (!ValidatorAssignment.assign(seeds, miners).getOrDefault(config.hotkey().ss58Address(), List.of()).contains(origin)) {
      throw new Refusal(403, "Miner is not assigned to this validator");
    }
    String prefix = "hotkey_" + origin + "_block_";
    try (var existing = Files.list(config.submissions())) {
      for (Path path : existing.toList()) {
        String name = path.getFileName().toString();
        if (name.startsWith(prefix) && name.endsWith(".pt")) {
          long block = Long.parseLong(name.substring(prefix.length(), name.length() - 3));
          if (phase.range().contains(block)) {
            throw new Refusal(409, "Miner already submitted during this phase");
          }
        }
      }
    } catch (IOException | NumberFormatException unreadable) {
      throw new Refusal(500, "cannot list submissions");
    }
    String modelHex = required(fields, "model_hex");
    String blockHex = required(fields, "block_hex");
    if (fileName == null || !SAFE_NAME.matcher(Path.of(fileName).getFileName().toString()).matches()) {
      throw new Refusal(400, "Unsafe filename");
    }
    String extension = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.')).toLowerCase(java.util.Locale.ROOT) : "";
    if (!EXTENSIONS.contains(extension)) {
      throw new Refusal(400, "Unsupported file extension: " + extension);
    }
    Path stored = config.submissions().resolve(prefix + serverBlock + ".pt");
    long bytes;
    String sha256;
    try {
      byte[] content = Files.readAllBytes(incoming);
      bytes = content.length;
      sha256 = Hex.encode(Hashes.sha256(content));
      Files.move(incoming, stored, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException unwritable) {
      throw new Refusal(500, "Failed to store file");
    }
    try {
      verify(stored, origin, modelHex, blockHex, required(fields, "signature"), originBlock, serverBlock);
    } catch (Refusal refusal) {
      try {
        Files.deleteIfExists(stored);
      } catch (IOException ignored) {
        // refused anyway
      }
      throw refusal;
    }
    accepted.add(new Accepted(origin, originBlock, stored, modelHex, serverBlock));
    keepNewest(prefix);
    LOG.info("test validator accepted {} from {} ({} bytes, hash {})", stored.getFileName(), origin, bytes, modelHex);
    ObjectNode answer = JSON.createObjectNode().put("status", "ok").put("stored_path", stored.toString()).put("bytes", bytes)
        .put("sha256", sha256);
    return CompletableFuture.completedFuture(json(200, answer.toString()));
  }

  /** The chain record checks of validate_submission (hash, both signatures) plus the form's own consistency. */
  private void verify(Path stored, String origin, String modelHex, String blockHex, String signature, long originBlock, long serverBlock)
      throws Refusal {
    Map<String, BlockRange> previous = config.schedule().previous(serverBlock);
    long signedAt = previous.get(PhaseName.MINER_COMMIT_1.wireName()).end() + 1;
    long hashedAt = previous.get(PhaseName.MINER_COMMIT_2.wireName()).end() + 1;
    AccountId miner = account(origin);
    ChainRecord signedRecord = records(chain.commitmentsAt(config.netuid(), signedAt)).get(miner);
    ChainRecord hashRecord = records(chain.commitmentsAt(config.netuid(), hashedAt)).get(miner);
    if (!(hashRecord instanceof ChainRecord.MinerRecord record) || record.hash() == null || record.group() == null
        || record.group() != config.group() || signedRecord == null || signedRecord.signedModelHash().isEmpty()) {
      throw new Refusal(400, "No checkpoint found on chain for this miner");
    }
    ModelHash uploaded;
    try {
      uploaded = ModelHash.ofFile(stored);
    } catch (IOException unreadable) {
      throw new Refusal(400, "Submitted checkpoint failed validation. (" + unreadable.getMessage() + ")");
    }
    List<String> problems = new ArrayList<>();
    if (!uploaded.hex().equalsIgnoreCase(record.hash())) {
      problems.add("model hash " + uploaded + " differs from the committed " + record.hash());
    }
    if (!SignedMessages.verify(miner, record.hash().getBytes(StandardCharsets.UTF_8), signedRecord.signedModelHash().get())) {
      problems.add("the committed signature does not verify the committed hash");
    }
    byte[] message;
    try {
      message = java.nio.ByteBuffer.allocate(64).put(Hex.decode(modelHex)).put(Hex.decode(blockHex)).array();
    } catch (RuntimeException malformed) {
      throw new Refusal(400, "Submitted checkpoint failed validation. (model_hex/block_hex are not 24 + 40 bytes of hex)");
    }
    if (!SignedMessages.verify(miner, message, signature)) {
      problems.add("the request signature does not verify model_hex || block_hex");
    }
    if (!modelHex.equalsIgnoreCase(uploaded.hex())) {
      problems.add("model_hex is not the upload's model hash");
    }
    if (!blockHex.equalsIgnoreCase(Hex.encode(SignedMessages.blockMessage(config.hotkey().accountId(), originBlock)))) {
      problems.add("block_hex is not this validator's key and the origin block");
    }
    if (!problems.isEmpty()) {
      throw new Refusal(400, "Submitted checkpoint failed validation. (" + String.join("; ", problems) + ")");
    }
  }

  private void keepNewest(String prefix) {
    try (var files = Files.list(config.submissions())) {
      List<Path> mine = files.filter(path -> path.getFileName().toString().startsWith(prefix))
          .sorted(Comparator.comparingLong((Path path) -> {
            String name = path.getFileName().toString();
            return Long.parseLong(name.substring(prefix.length(), name.length() - 3));
          }).reversed()).toList();
      for (Path old : mine.subList(Math.min(2, mine.size()), mine.size())) {
        Files.deleteIfExists(old);
      }
    } catch (IOException | NumberFormatException ignored) {
      // housekeeping only
    }
  }

  private Map<AccountId, ChainRecord> records(CompletionStage<Map<AccountId, Commitment>> commitments) throws Refusal {
    try {
      Map<AccountId, Commitment> raw = commitments.toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      Map<AccountId, ChainRecord> parsed = new LinkedHashMap<>();
      raw.forEach((account, commitment) -> ChainRecord.parse(commitment.text()).ifPresent(record -> parsed.put(account, record)));
      return parsed;
    } catch (Exception failure) {
      throw new Refusal(503, "cannot read the chain: " + failure.getMessage());
    }
  }

  private void authorize(HttpRequest request) throws Refusal {
    if (config.token().isEmpty()) {
      return;
    }
    Optional<String> header = request.getHeader("Authorization").map(HttpHeader::value);
    if (header.isEmpty() || !header.get().startsWith("Bearer ")) {
      throw new Refusal(401, "Missing or invalid Authorization header");
    }
    if (!header.get().substring("Bearer ".length()).strip().equals(config.token().get())) {
      throw new Refusal(403, "Forbidden");
    }
  }

  private static Map<String, String> urlEncoded(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      form.put(key, value);
    }
    return form;
  }

  private static String required(Map<String, String> form, String name) throws Refusal {
    String value = form.get(name);
    if (value == null || value.isEmpty()) {
      throw new Refusal(400, "missing form field " + name);
    }
    return value;
  }

  private static long number(String value, String name) throws Refusal {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException notANumber) {
      throw new Refusal(400, name + " is not an integer");
    }
  }

  private static AccountId account(String ss58) throws Refusal {
    try {
      return AccountId.fromSs58(ss58);
    } catch (IllegalArgumentException invalid) {
      throw new Refusal(400, "not an SS58 address: " + invalid.getMessage());
    }
  }

  private HttpResponse refuse(int status, String detail) {
    refusals.add(status + " " + detail);
    LOG.info("test validator refused a request: {} {}", status, detail);
    return json(status, JSON.createObjectNode().put("detail", detail).toString());
  }

  private static HttpResponse json(int status, String body) {
    return HttpResponse.create().withStatus(StatusCodes.get(status)).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  /** A refusal with the reference's status code and detail. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    Refusal(int status, String detail) {
      super(detail, null, false, false);
      this.status = status;
    }
  }

  @Override
  public void close() {
    if (heads != null) {
      heads.close();
    }
    if (binding != null) {
      binding.terminate(Duration.ofSeconds(2));
    }
  }

}
