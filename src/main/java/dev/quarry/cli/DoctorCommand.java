package dev.quarry.cli;

import dev.quarry.chain.Chain;
import dev.quarry.chain.Chains;
import dev.quarry.chain.drand.DrandClient;
import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.config.WalletSettings;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.wallet.KeyfileException;
import dev.quarry.mining.doctor.MinerDoctor;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry doctor}: checks the settings, the bucket, the chain, the wallet, the trainer's
 * checkpoints, drand, devices and directories, and prints each with OK, WARN or FAIL and the fix.
 * Exits 1 when anything failed.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {"Check what the miner needs and say how to fix what fails.",
        "Checks: settings, R2 read and write, the bucket name rule, the chain, hotkey registration, committed credentials, "
            + "trainer checkpoints, drand, devices, the model cache."})
public final class DoctorCommand implements Callable<Integer> {

  @Mixin Verbosity verbosity;
  @Mixin EnvFileOption envFile;
  @Mixin WalletOptions walletOptions;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the checks as JSON.")
  boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s",
      description = "Time allowed for each network call (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() {
    OperatorEnvironment environment = envFile.environment();
    List<MinerDoctor.Check> checks = new ArrayList<>();
    QuarrySettings settings;
    try {
      settings = QuarrySettings.from(environment);
      checks.add(MinerDoctor.Check.ok("configuration", environment.dotenvFile().map(file -> "settings from " + file + " and the environment")
          .orElse("settings from the environment (no .env)")));
      settings.warnings().forEach(warning -> checks.add(MinerDoctor.Check.warn("configuration", warning, "see docs/configuration.md")));
    } catch (ConfigurationError problems) {
      for (ConfigurationError.Problem problem : problems.problems()) {
        String name = problem.subject().startsWith("R2_BUCKET_ID") || problem.subject().startsWith("R2_ACCOUNT_ID") ? "bucket name" : "configuration";
        checks.add(MinerDoctor.Check.fail(name, problem.subject() + ": " + problem.message(),
            "edit " + environment.dotenvFile().map(Object::toString).orElse(".env") + " (quarry init writes a complete one)"));
      }
      return print(checks);
    }
    WalletSettings wallet = walletOptions.resolve(settings.wallet());
    Optional<AccountId> hotkey;
    try {
      hotkey = Optional.of(WalletOptions.wallet(wallet, System.getenv()).hotkeyAccount());
      checks.add(MinerDoctor.Check.ok("wallet", "hotkey " + hotkey.get() + " from " + WalletOptions.describe(wallet)));
    } catch (KeyfileException | java.io.UncheckedIOException unreadable) {
      hotkey = Optional.empty();
      checks.add(MinerDoctor.Check.fail("wallet", "cannot read the hotkey " + WalletOptions.describe(wallet) + ": " + unreadable.getMessage(),
          "create it (btcli wallet new_hotkey, or quarry wallet new-hotkey) or point BT_WALLET_COLD / BT_WALLET_HOT / BT_WALLET_PATH at it"));
    }
    Optional<ObjectStoreSettings> bucket = settings.storage().map(ObjectStoreSettings::from);
    if (bucket.isEmpty()) {
      checks.add(MinerDoctor.Check.fail("R2 write", "object storage is not configured",
          "set R2_ACCOUNT_ID, R2_WRITE_ACCESS_KEY_ID, R2_WRITE_SECRET_ACCESS_KEY, R2_READ_ACCESS_KEY_ID and R2_READ_SECRET_ACCESS_KEY (quarry init)"));
    }
    Duration limit = ChainCommand.parseDuration(timeout);
    String endpoint = settings.chain().endpoint().toString();
    Optional<DrandClient> drand = settings.drand().enabled()
        ? Optional.of(DrandClient.create(DrandClient.Settings.of(settings.drand().relays(), settings.drand().requestTimeout())))
        : Optional.empty();
    try (Chain chain = Chains.open(endpoint)) {
      checks.addAll(MinerDoctor.run(new MinerDoctor.Inputs(settings.chain().netuid(), endpoint, chain, hotkey, bucket, drand,
          settings.devices(), settings.paths(), limit)));
    }
    return print(checks);
  }

  private int print(List<MinerDoctor.Check> checks) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (MinerDoctor.Check check : checks) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("check", check.name());
        row.put("status", check.status().name());
        row.put("detail", check.detail());
        row.put("fix", check.fix().isEmpty() ? null : check.fix());
        rows.add(row);
      }
      JsonOutput.print(out, rows);
    } else {
      for (MinerDoctor.Check check : checks) {
        out.printf(Locale.ROOT, "%-4s  %-16s %s%n", check.status(), check.name(), check.detail());
        if (!check.fix().isEmpty()) {
          out.printf(Locale.ROOT, "      %-16s fix: %s%n", "", check.fix());
        }
      }
      long failed = checks.stream().filter(check -> check.status() == MinerDoctor.Status.FAIL).count();
      long warned = checks.stream().filter(check -> check.status() == MinerDoctor.Status.WARN).count();
      out.println(failed == 0 ? "All checks passed" + (warned > 0 ? " (" + warned + " warning(s))" : "") + "."
          : failed + " check(s) failed.");
    }
    out.flush();
    return MinerDoctor.failed(checks) ? 1 : 0;
  }
}
