package dev.quarry.god;

import dev.quarry.chain.Chain;
import dev.quarry.crypto.AccountId;
import dev.quarry.http.Metrics;
import dev.quarry.http.Readiness;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The G.O.D (subnet 56) tournament miner: {@code GET /training_repo/{task_type}} on Pekko HTTP,
 * behind Fiber 2.4.0's authentication ({@link TrainingRepoEndpoint}), with the metagraph kept
 * fresh by a small actor. It runs in any {@link ActorSystem}: standalone ({@code quarry god serve})
 * or as the {@value #ROLE} role of a Quarry cluster node next to the Grail miner, where the node
 * bootstrap calls {@link #start} and the node's management endpoint keeps serving {@code /health}
 * and {@code /metrics} (this service records into the same {@link Metrics}).
 *
 * <pre>{@code
 * GodSettings settings = GodSettings.from(environment, quarrySettings);
 * GodMinerService god = GodMinerService.start(system, settings, wallet.hotkeyAccount(), chain, metrics)
 *     .toCompletableFuture().join();
 * ...
 * god.stop(Duration.ofSeconds(5));
 * }</pre>
 *
 * Only the hotkey's public key is needed: requests are checked, never signed.
 */
public final class GodMinerService {

  private static final Logger log = LoggerFactory.getLogger(GodMinerService.class);

  /** The cluster role that runs this service. */
  public static final String ROLE = "god";

  /** Starlette's route {@code /training_repo/{task_type}}: one non-empty segment. */
  private static final Pattern ROUTE = Pattern.compile("/training_repo/([^/]+)");
  private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

  private final ServerBinding binding;
  private final AtomicReference<MetagraphStakes> metagraph;
  private final NonceCache nonces;
  private final ActorRef<MetagraphSync.Command> sync;

  private GodMinerService(ServerBinding binding, AtomicReference<MetagraphStakes> metagraph, NonceCache nonces,
      ActorRef<MetagraphSync.Command> sync) {
    this.binding = binding;
    this.metagraph = metagraph;
    this.nonces = nonces;
    this.sync = sync;
  }

  /**
   * Whether this node should run the G.O.D miner: {@code pekko.cluster.roles} (set by
   * {@code QUARRY_NODE_ROLES}) includes {@value #ROLE}. For the node bootstrap, before joining.
   */
  public static boolean assigned(com.typesafe.config.Config config) {
    return config.hasPath("pekko.cluster.roles") && config.getStringList("pekko.cluster.roles").contains(ROLE);
  }

  /**
   * Starts the metagraph sync and binds the endpoint; the stage fails if the port cannot be bound.
   *
   * @param system where the sync actor and Pekko HTTP run
   * @param settings validated settings ({@link GodSettings#from})
   * @param minerHotkey this miner's hotkey (requests for other hotkeys are refused)
   * @param chain where stakes are read ({@link Chain#stakeWeights})
   * @param metrics where request outcomes and metagraph figures are recorded
   */
  public static CompletionStage<GodMinerService> start(ActorSystem<?> system, GodSettings settings, AccountId minerHotkey,
      Chain chain, Metrics metrics) {
    return start(system, settings, minerHotkey, chain, metrics, NonceCache.systemClock());
  }

  /** As {@link #start(ActorSystem, GodSettings, AccountId, Chain, Metrics)} with a given nonce cache (tests use a fake clock). */
  public static CompletionStage<GodMinerService> start(ActorSystem<?> system, GodSettings settings, AccountId minerHotkey,
      Chain chain, Metrics metrics, NonceCache nonces) {
    settings.warnings().forEach(warning -> log.warn("{}", warning));
    AtomicReference<MetagraphStakes> metagraph = new AtomicReference<>(MetagraphStakes.empty());
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    ActorRef<MetagraphSync.Command> sync = system.systemActorOf(
        MetagraphSync.create(chain, settings, metagraph, metrics, blocking),
        "god-metagraph-sync-" + settings.netuid() + "-" + INSTANCES.incrementAndGet(), Props.empty());
    TrainingRepoEndpoint endpoint = new TrainingRepoEndpoint(minerHotkey, settings.repos(), settings.minStakeThreshold(),
        metagraph::get, nonces);
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind((org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>)
            request -> answer(request, endpoint, metrics, nonces, blocking))
        .handle((bound, failure) -> {
          if (failure != null) {
            sync.tell(MetagraphSync.Stop.INSTANCE);
            throw new java.util.concurrent.CompletionException(new IllegalStateException("cannot listen on " + settings.host() + ":"
                + settings.port() + " for the G.O.D endpoint: " + failure.getMessage(), failure));
          }
          log.info("G.O.D miner {} on subnet {}: GET http://{}:{}/training_repo/<{}> (validators need {} TAO)", minerHotkey,
              settings.netuid(), bound.localAddress().getHostString(), bound.localAddress().getPort(),
              String.join("|", settings.repos().keySet().stream().map(TournamentType::wireName).toList()),
              settings.minStakeThreshold());
          return new GodMinerService(bound, metagraph, nonces, sync);
        });
  }

  private static CompletionStage<HttpResponse> answer(HttpRequest request, TrainingRepoEndpoint endpoint, Metrics metrics,
      NonceCache nonces, Executor executor) {
    Matcher route = ROUTE.matcher(decodedPath(request));
    if (!route.matches()) {
      metrics.godRequest(Metrics.GodRequestOutcome.NOT_FOUND);
      return CompletableFuture.completedFuture(json(404, "{\"detail\":\"Not Found\"}"));
    }
    if (!request.method().equals(HttpMethods.GET)) {
      metrics.godRequest(Metrics.GodRequestOutcome.NOT_FOUND);
      return CompletableFuture.completedFuture(json(405, "{\"detail\":\"Method Not Allowed\"}").addHeader(Allow.create(HttpMethods.GET)));
    }
    String taskType = route.group(1);
    // Signature checks are CPU work: keep them off the threads that run actors and the server.
    return CompletableFuture.supplyAsync(() -> {
      TrainingRepoEndpoint.Answer answer = endpoint.handle(taskType, name -> header(request, name));
      metrics.godRequest(Metrics.GodRequestOutcome.valueOf(answer.outcome().name()));
      metrics.godNonces(nonces.size());
      return answer.contentType().equals(TrainingRepoEndpoint.JSON)
          ? json(answer.status(), answer.body())
          : HttpResponse.create().withStatus(answer.status()).withEntity(ContentTypes.TEXT_PLAIN_UTF8, answer.body());
    }, executor);
  }

  /** The percent-decoded path, as Starlette matches routes against it ({@code %2F} becomes a separator). */
  private static String decodedPath(HttpRequest request) {
    StringBuilder path = new StringBuilder();
    for (String segment : request.getUri().pathSegments()) {
      path.append('/').append(segment);
    }
    String raw = request.getUri().getPathString();
    return raw.endsWith("/") && path.length() > 0 ? path.append('/').toString() : path.length() == 0 ? "/" : path.toString();
  }

  /** Starlette's {@code request.headers.get(name)}: the first header of that name, any case. */
  private static Optional<String> header(HttpRequest request, String name) {
    for (org.apache.pekko.http.javadsl.model.HttpHeader header : request.getHeaders()) {
      if (header.lowercaseName().equals(name.toLowerCase(Locale.ROOT))) {
        return Optional.of(header.value());
      }
    }
    return Optional.empty();
  }

  private static HttpResponse json(int status, String body) {
    return HttpResponse.create().withStatus(StatusCodes.get(status)).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** The metagraph the endpoint uses now. */
  public MetagraphStakes metagraph() {
    return metagraph.get();
  }

  /** Nonces remembered for replay protection now. */
  public int rememberedNonces() {
    return nonces.size();
  }

  /** Ready once the metagraph is known (before that every validator is refused with 403). */
  public Readiness readiness() {
    MetagraphStakes current = metagraph.get();
    return current.stakes().isEmpty()
        ? Readiness.notReady("waiting for the first metagraph read (validators are refused until then)")
        : Readiness.ready("metagraph of " + current.stakes().size() + " hotkeys read at " + current.syncedAt());
  }

  /** Stops the sync actor, stops accepting connections and closes open ones after at most {@code deadline}. */
  public CompletionStage<Void> stop(Duration deadline) {
    sync.tell(MetagraphSync.Stop.INSTANCE);
    return binding.terminate(deadline).thenApply(terminated -> null);
  }
}
