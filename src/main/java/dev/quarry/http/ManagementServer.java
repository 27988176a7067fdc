package dev.quarry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management endpoint on Pekko HTTP:
 * <ul>
 *   <li>{@code GET /health}: 200 while the process is alive;
 *   <li>{@code GET /ready}: 200 or 503 from the caller's readiness check, with its reason;
 *   <li>{@code GET /status}: the caller's {@link MinerStatus} as JSON;
 *   <li>{@code GET /metrics}: {@link Metrics#scrape()}, {@code text/plain; version=0.0.4}.
 * </ul>
 * Bind to {@code 127.0.0.1} unless the network in between is trusted: the endpoint has no
 * authentication (it serves nothing secret, but it is not meant for the internet).
 */
public final class ManagementServer {

  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

  /** Prometheus text exposition format, version 0.0.4, UTF-8 (what Prometheus' own clients send). */
  public static final ContentType.WithCharset PROMETHEUS_TEXT = ContentTypes.create(
      MediaTypes.customWithOpenCharset("text", "plain", Map.of("version", "0.0.4"), false), HttpCharsets.UTF_8);

  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .registerModule(new Jdk8Module())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** Where to listen; port 0 picks a free port (see {@link #address()}). */
  public record Settings(String host, int port) {
    public Settings {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535");
      }
    }

    /** {@code quarry.management.host} and {@code quarry.management.port}. */
    public static Settings fromConfig(Config config) {
      return new Settings(config.getString("quarry.management.host"), config.getInt("quarry.management.port"));
    }
  }

  private final ServerBinding binding;

  private ManagementServer(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * Binds the endpoint. The stage fails if the address is taken or cannot be bound.
   *
   * @param system the actor system to run Pekko HTTP on
   * @param settings where to listen
   * @param status supplies {@code /status}; must be cheap and non-blocking
   * @param readiness supplies {@code /ready}; must be cheap and non-blocking
   * @param metrics what {@code /metrics} renders
   */
  public static CompletionStage<ManagementServer> start(
      ActorSystem<?> system, Settings settings, StatusSource status, Supplier<Readiness> readiness, Metrics metrics) {
    Route route = new Routes(status, readiness, metrics).route();
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind(route)
        .thenApply(bound -> {
          log.info("management endpoint on http://{}:{}/ (health, ready, status, metrics)",
              bound.localAddress().getHostString(), bound.localAddress().getPort());
          return new ManagementServer(bound);
        });
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** Stops accepting connections and closes open ones after at most {@code deadline}. */
  public CompletionStage<Void> stop(Duration deadline) {
    return binding.terminate(deadline).thenApply(terminated -> null);
  }

  /** The routes, separate from binding so they can be read top to bottom. */
  static final class Routes extends AllDirectives {
    private final StatusSource status;
    private final Supplier<Readiness> readiness;
    private final Metrics metrics;

    Routes(StatusSource status, Supplier<Readiness> readiness, Metrics metrics) {
      this.status = status;
      this.readiness = readiness;
      this.metrics = metrics;
    }

    Route route() {
      return get(() -> concat(
          path("health", () -> complete(json(StatusCodes.OK, Map.of("status", "alive")))),
          path("ready", this::ready),
          path("status", this::status),
          path("metrics", () -> complete(HttpResponse.create()
              .withStatus(StatusCodes.OK)
              .withEntity(HttpEntities.create(PROMETHEUS_TEXT, metrics.scrape()))))));
    }

    private Route ready() {
      Readiness answer;
      try {
        answer = readiness.get();
      } catch (RuntimeException failure) {
        log.warn("readiness check failed", failure);
        answer = Readiness.notReady("readiness check failed: " + failure.getClass().getSimpleName());
      }
      StatusCode code = answer.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE;
      return complete(json(code, answer));
    }

    private Route status() {
      MinerStatus current;
      try {
        current = status.current();
      } catch (RuntimeException failure) {
        log.warn("status source failed", failure);
        return complete(json(StatusCodes.INTERNAL_SERVER_ERROR,
            Map.of("error", "status unavailable: " + failure.getClass().getSimpleName())));
      }
      return complete(json(StatusCodes.OK, current));
    }

    private static HttpResponse json(StatusCode code, Object body) {
      String text;
      try {
        text = JSON.writeValueAsString(body);
      } catch (com.fasterxml.jackson.core.JsonProcessingException unrenderable) {
        return HttpResponse.create().withStatus(StatusCodes.INTERNAL_SERVER_ERROR)
            .withEntity(ContentTypes.APPLICATION_JSON, "{\"error\":\"cannot render JSON\"}");
      }
      return HttpResponse.create().withStatus(code).withEntity(ContentTypes.APPLICATION_JSON, text);
    }
  }
}
