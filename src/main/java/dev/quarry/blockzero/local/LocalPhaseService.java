package dev.quarry.blockzero.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.blockzero.PhaseInfo;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.chain.Chain;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The subnet owner's phase service ({@code mycelia/sn_owner/phase_service.py}) over a chain:
 * {@code GET /get_phase}, {@code /blocks_until_next_phase}, {@code /previous_phase_blocks} and
 * {@code /}, answered from the chain's current block and a configured {@link PhaseSchedule}, in
 * the reference's JSON shapes. The lengths are configuration here because the miner must take
 * them from the service, never assume them.
 */
public final class LocalPhaseService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServerBinding binding;

  private LocalPhaseService(ServerBinding binding) {
    this.binding = binding;
  }

  /** Binds on {@code host:port} (0: any free port). */
  public static CompletionStage<LocalPhaseService> start(ActorSystem<?> system, Chain chain, PhaseSchedule schedule, String host, int port) {
    return Http.get(system).newServerAt(host, port)
        .bind((org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>) request -> answer(request, chain, schedule))
        .thenApply(LocalPhaseService::new);
  }

  private static CompletionStage<HttpResponse> answer(HttpRequest request, Chain chain, PhaseSchedule schedule) {
    if (!request.method().equals(HttpMethods.GET)) {
      return CompletableFuture.completedFuture(json(405, "{\"detail\":\"Method Not Allowed\"}"));
    }
    String path = request.getUri().path();
    return switch (path) {
      case "/get_phase" -> chain.currentBlock().thenApply(block -> json(200, phase(schedule.phaseAt(block))));
      case "/blocks_until_next_phase" -> chain.currentBlock().thenApply(block -> {
        ObjectNode root = JSON.createObjectNode();
        schedule.upcoming(block).forEach((name, upcoming) -> root.putArray(name).add(upcoming.range().start())
            .add(upcoming.range().end()).add(upcoming.blocksUntil()));
        return json(200, root.toString());
      });
      case "/previous_phase_blocks" -> chain.currentBlock().thenApply(block -> {
        ObjectNode root = JSON.createObjectNode();
        schedule.previous(block).forEach((name, range) -> root.putArray(name).add(range.start()).add(range.end()));
        return json(200, root.toString());
      });
      case "/" -> {
        ObjectNode root = JSON.createObjectNode().put("message", "Phase service is running").put("cycle_length", schedule.cycleLength());
        ArrayNode phases = root.putArray("phases");
        for (int i = 0; i < schedule.phases().size(); i++) {
          phases.addObject().put("index", i).put("name", schedule.phases().get(i).name()).put("length", schedule.phases().get(i).length());
        }
        yield CompletableFuture.completedFuture(json(200, root.toString()));
      }
      default -> CompletableFuture.completedFuture(json(404, "{\"detail\":\"Not Found\"}"));
    };
  }

  static String phase(PhaseInfo info) {
    return JSON.createObjectNode().put("block", info.block()).put("cycle_length", info.cycleLength())
        .put("cycle_index", info.cycleIndex()).put("cycle_block_index", info.cycleBlockIndex()).put("phase_name", info.phaseName())
        .put("phase_index", info.phaseIndex()).put("phase_start_block", info.phaseStartBlock())
        .put("phase_end_block", info.phaseEndBlock()).put("blocks_into_phase", info.blocksIntoPhase())
        .put("blocks_remaining_in_phase", info.blocksRemainingInPhase()).toString();
  }

  private static HttpResponse json(int status, String body) {
    return HttpResponse.create().withStatus(StatusCodes.get(status)).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** The base URL to give the miner ({@code QUARRY_BLOCKZERO_PHASE_SERVICE}). */
  public URI url() {
    return URI.create("http://" + binding.localAddress().getHostString() + ":" + binding.localAddress().getPort());
  }

  public CompletionStage<Void> stop() {
    return binding.terminate(Duration.ofSeconds(2)).thenApply(terminated -> null);
  }

}
