package dev.quarry.chain.drand;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A drand relay on loopback (the JDK's HTTP server on an ephemeral port) that answers each path
 * with whatever the test decides, and remembers the paths it was asked for.
 */
final class LoopbackRelay implements AutoCloseable {

  record Answer(int status, String body, long delayMillis) {
    static Answer json(String body) {
      return new Answer(200, body, 0);
    }

    static Answer status(int status) {
      return new Answer(status, "{\"error\":\"test\"}", 0);
    }

    static Answer slow(String body, long delayMillis) {
      return new Answer(200, body, delayMillis);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  LoopbackRelay(Function<String, Answer> answers) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requests.add(path);
      Answer answer = answers.apply(path);
      try {
        if (answer.delayMillis() > 0) {
          Thread.sleep(answer.delayMillis());
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } catch (InterruptedException | IOException stopped) {
        // The client gave up (timeout) or the server is closing.
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  static boolean isV2(String path) {
    return path.startsWith("/v2/chains/" + Quicknet.CHAIN_HASH + "/rounds/");
  }

  static boolean isV1(String path) {
    return path.startsWith("/" + Quicknet.CHAIN_HASH + "/public/");
  }
}
