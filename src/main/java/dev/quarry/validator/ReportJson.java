package dev.quarry.validator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.validator.checks.CopycatTracker;
import dev.quarry.validator.checks.Rejection;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link WindowReport}, with the stable snake_case field names documented in
 * {@code docs/validator.md}. Missing values are JSON {@code null}; instants are ISO-8601 UTC.
 */
public final class ReportJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportJson() {}

  public static ObjectNode render(WindowReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("window", report.window());
    root.put("mode", report.mode());
    root.put("window_block_hash", report.windowBlockHash());
    root.put("challenge_randomness", report.challengeRandomness());
    root.put("challenge_source", report.challengeSource());
    root.put("deadline", report.deadline() == null ? null : report.deadline().toString());
    if (report.checkpointWindow() == null) {
      root.putNull("checkpoint_window");
    } else {
      root.put("checkpoint_window", report.checkpointWindow());
    }
    root.put("environment", report.environmentId());
    root.put("skipped", report.skipped());
    if (report.discovery() == null) {
      root.putNull("discovery");
    } else {
      WindowReport.Discovery discovery = report.discovery();
      root.putObject("discovery").put("neurons", discovery.neurons()).put("with_credentials", discovery.withCredentials())
          .put("active", discovery.active()).put("late", discovery.late()).put("banned", discovery.banned())
          .put("selected", discovery.selected());
    }
    ArrayNode miners = root.putArray("miners");
    report.miners().forEach(miner -> miners.add(miner(miner)));
    ArrayNode copycat = root.putArray("copycat");
    report.copycat().forEach(violation -> copycat.add(violation(violation)));
    if (report.weights() == null) {
      root.putNull("weights");
    } else {
      root.set("weights", weights(report.weights()));
    }
    return root;
  }

  public static ObjectNode miner(WindowValidation miner) {
    ObjectNode node = JSON.createObjectNode();
    node.put("hotkey", miner.hotkey());
    if (miner.uid() == null) {
      node.putNull("uid");
    } else {
      node.put("uid", miner.uid());
    }
    node.put("window", miner.window());
    node.put("status", miner.status().key());
    node.set("failure", rejection(miner.failure()));
    node.put("note", miner.note());
    if (miner.upload() == null) {
      node.putNull("upload");
    } else {
      node.putObject("upload").put("key", miner.upload().key()).put("size", miner.upload().size())
          .put("last_modified", miner.upload().lastModified() == null ? null : miner.upload().lastModified().toString());
    }
    node.put("checked_all", miner.checkedAll());
    ArrayNode groups = node.putArray("sampled_groups");
    miner.sampledGroups().forEach(groups::add);
    Estimates estimates = miner.estimates();
    node.putObject("estimates").put("total", estimates.total()).put("checked", estimates.checked())
        .put("valid", estimates.valid()).put("successful", estimates.successful()).put("unique", estimates.unique())
        .put("estimated_valid", estimates.estimatedValid()).put("estimated_successful", estimates.estimatedSuccessful())
        .put("estimated_unique", estimates.estimatedUnique());
    ObjectNode soft = node.putObject("soft_failures");
    miner.softFailures().forEach(soft::put);
    ArrayNode copycat = node.putArray("copycat");
    miner.copycat().forEach(violation -> copycat.add(violation(violation)));
    ArrayNode rows = node.putArray("rows");
    for (RowReport row : miner.rows()) {
      ObjectNode rowNode = rows.addObject();
      rowNode.put("row", row.row());
      rowNode.put("rollout_group", row.rolloutGroup());
      rowNode.put("nonce", row.nonce());
      rowNode.put("outcome", row.outcome().key());
      rowNode.set("failure", rejection(row.failure()));
      ArrayNode softFailures = rowNode.putArray("soft_failures");
      row.softFailures().forEach(failure -> softFailures.add(rejection(failure)));
      ObjectNode measures = rowNode.putObject("measures");
      row.measures().forEach((name, value) -> putValue(measures, name, value));
    }
    return node;
  }

  private static ObjectNode rejection(Rejection rejection) {
    if (rejection == null) {
      return null;
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("check", rejection.check().key());
    if (rejection.row() == null) {
      node.putNull("row");
    } else {
      node.put("row", rejection.row());
    }
    node.put("reason", rejection.reason());
    return node;
  }

  private static ObjectNode violation(CopycatTracker.Violation violation) {
    return JSON.createObjectNode().put("miner_a", violation.minerA()).put("miner_b", violation.minerB())
        .put("shared", violation.shared()).put("denominator", violation.denominator()).put("ratio", violation.ratio())
        .put("threshold", violation.threshold()).put("scope", violation.scope().key()).put("window", violation.window())
        .put("copier", violation.copier()).put("victim", violation.victim());
  }

  private static ObjectNode weights(WeightsReport weights) {
    ObjectNode node = JSON.createObjectNode();
    node.put("target_window", weights.targetWindow());
    node.put("windows_processed", weights.windowsProcessed());
    node.put("ready", weights.ready());
    node.put("burn_uid", weights.burnUid());
    node.put("burn_weight", weights.burnWeight());
    ArrayNode entries = node.putArray("entries");
    for (WeightsReport.Entry entry : weights.entries()) {
      entries.addObject().put("uid", entry.uid()).put("hotkey", entry.hotkey()).put("weight", entry.weight())
          .put("active_windows", entry.activeWindows()).put("checked_windows", entry.checkedWindows())
          .put("estimated_unique", entry.estimatedUnique()).put("zero_reason", entry.zeroReason());
    }
    return node;
  }

  private static void putValue(ObjectNode node, String name, Object value) {
    if (value == null) {
      node.putNull(name);
    } else if (value instanceof Integer integer) {
      node.put(name, integer);
    } else if (value instanceof Long number) {
      node.put(name, number);
    } else if (value instanceof Double number) {
      if (number.isNaN() || number.isInfinite()) {
        node.put(name, number.toString());
      } else {
        node.put(name, number);
      }
    } else if (value instanceof Float number) {
      node.put(name, (double) number);
    } else if (value instanceof Boolean flag) {
      node.put(name, flag);
    } else if (value instanceof BigInteger big) {
      node.put(name, big);
    } else if (value instanceof List<?> || value instanceof Map<?, ?>) {
      node.set(name, JSON.valueToTree(value));
    } else {
      node.put(name, value.toString());
    }
  }
}
