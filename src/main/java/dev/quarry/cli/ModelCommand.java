package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.model.Architecture;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.ChatMessage;
import dev.quarry.model.Completion;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ModelLoadException;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.ProofResult;
import dev.quarry.model.SamplingParameters;
import dev.quarry.model.TinyCheckpoint;
import dev.quarry.model.template.TemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quarry model ...}: create a tiny checkpoint, run the proof forward pass, generate. */
@Command(
    name = "model",
    description = "Work with Hugging Face checkpoints: init-tiny, forward, generate.",
    mixinStandardHelpOptions = true,
    subcommands = {ModelCommand.InitTiny.class, ModelCommand.Forward.class, ModelCommand.Generate.class})
public final class ModelCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static CausalLanguageModel load(Path directory, String device) {
    DeviceSpec deviceSpec;
    try {
      deviceSpec = DeviceSpec.parse(device);
    } catch (IllegalArgumentException exception) {
      throw new UserError(exception.getMessage() + " (--device)");
    }
    try {
      return CausalLanguageModel.load(directory, deviceSpec);
    } catch (ModelLoadException exception) {
      throw new UserError(exception.getMessage(), exception);
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException exception) {
      throw new IllegalStateException(exception);
    }
  }

  /** Reads token ids from a file: a JSON array, or numbers separated by whitespace or commas. */
  static int[] readTokens(Path file) {
    String text;
    try {
      text = Files.readString(file).trim();
    } catch (NoSuchFileException exception) {
      throw new UserError("token file " + file + " does not exist");
    } catch (IOException exception) {
      throw new UserError("cannot read token file " + file + ": " + exception.getMessage(), exception);
    }
    try {
      if (text.startsWith("[")) {
        JsonNode array = JsonOutput.mapper().readTree(text);
        int[] tokens = new int[array.size()];
        for (int i = 0; i < tokens.length; i++) {
          if (!array.get(i).canConvertToInt()) {
            throw new UserError("token file " + file + ": entry " + i + " is not an integer");
          }
          tokens[i] = array.get(i).asInt();
        }
        return tokens;
      }
      return Stream.of(text.split("[\\s,]+")).filter(part -> !part.isEmpty()).mapToInt(Integer::parseInt).toArray();
    } catch (IOException | NumberFormatException exception) {
      throw new UserError("token file " + file + " must hold a JSON array of integers or integers separated by "
          + "spaces or commas: " + exception.getMessage(), exception);
    }
  }

  @Command(name = "init-tiny", mixinStandardHelpOptions = true,
      description = "Write a small random Qwen checkpoint in Hugging Face layout (bf16 safetensors, configs, the "
          + "real Qwen3 tokenizer, a chat template), deterministic from the seed.")
  static final class InitTiny implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Spec CommandSpec spec;

    @Option(names = "--arch", required = true, description = "qwen3, qwen2 or blockzero-moe (Qwen3 attention with BlockZero's expert blocks)")
    String architecture;

    @Option(names = "--out", required = true, description = "Directory to write (created if missing).")
    Path out;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--chat-template", defaultValue = "qwen3",
        description = "qwen3 (Qwen3's own template) or chatml (Grail's instructed-mode template); default ${DEFAULT-VALUE}.")
    String template;

    @Override
    public Integer call() throws IOException {
      Architecture arch = switch (architecture.toLowerCase(java.util.Locale.ROOT)) {
        case "qwen3" -> Architecture.QWEN3;
        case "qwen2" -> Architecture.QWEN2;
        case "blockzero-moe" -> Architecture.BLOCKZERO_MOE;
        default -> throw new UserError("unknown --arch '" + architecture + "'; use qwen3, qwen2 or blockzero-moe");
      };
      TinyCheckpoint.Template chatTemplate = switch (template.toLowerCase(java.util.Locale.ROOT)) {
        case "qwen3" -> TinyCheckpoint.Template.QWEN3;
        case "chatml" -> TinyCheckpoint.Template.CHATML;
        default -> throw new UserError("unknown --chat-template '" + template + "'; use qwen3 or chatml");
      };
      if (Files.exists(out) && !Files.isDirectory(out)) {
        throw new UserError(out + " exists and is not a directory");
      }
      TinyCheckpoint.write(out, arch, seed, chatTemplate);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("directory", out.toAbsolutePath().toString());
      summary.put("architecture", arch.className());
      summary.put("seed", seed);
      summary.put("chat_template", template);
      summary.put("model_safetensors_sha256", sha256(out.resolve("model.safetensors")));
      JsonOutput.print(spec.commandLine().getOut(), summary);
      return 0;
    }
  }

  @Command(name = "forward", mixinStandardHelpOptions = true,
      description = "Run the proof forward pass over a token sequence and print, as JSON, the last hidden states "
          + "(after the final norm) and each token's log-probability given its prefix.")
  static final class Forward implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--tokens-file", required = true,
        description = "Token ids: a JSON array or integers separated by spaces/commas.")
    Path tokensFile;

    @Option(names = "--prompt-len", defaultValue = "1",
        description = "Report log-probabilities from this position on (the completion start); default ${DEFAULT-VALUE}.")
    int promptLength;

    @Option(names = "--no-hidden-states", description = "Omit hidden states from the output.")
    boolean noHiddenStates;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() {
      int[] tokens = readTokens(tokensFile);
      if (tokens.length < 2) {
        throw new UserError("the token file must hold at least 2 tokens");
      }
      if (promptLength < 1 || promptLength > tokens.length) {
        throw new UserError("--prompt-len must be between 1 and the number of tokens (" + tokens.length + ")");
      }
      try (CausalLanguageModel loaded = load(model, device)) {
        ProofOptions options = new ProofOptions(!noHiddenStates, loaded.eosTokenId(), Double.NaN, Double.NaN);
        ProofResult result;
        try {
          result = loaded.proofForward().run(List.of(tokens), new int[] {promptLength}, options).get(0);
        } catch (IllegalArgumentException exception) {
          throw new UserError(exception.getMessage(), exception);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("model", loaded.name());
        output.put("tokens", tokens);
        output.put("prompt_length", promptLength);
        output.put("hidden_size", result.hiddenSize());
        List<Map<String, Object>> positions = new ArrayList<>();
        for (int p = promptLength; p < tokens.length; p++) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("position", p);
          entry.put("token", tokens[p]);
          entry.put("logprob", result.completionLogprobs()[p - promptLength]);
          entry.put("eos_probability", result.eosProbabilities()[p - promptLength]);
          positions.add(entry);
        }
        output.put("logprobs", positions);
        if (!noHiddenStates) {
          List<float[]> rows = new ArrayList<>();
          for (int p = 0; p < tokens.length; p++) {
            float[] row = new float[result.hiddenSize()];
            System.arraycopy(result.hiddenStates(), result.hiddenStateOffset(p), row, 0, row.length);
            rows.add(row);
          }
          output.put("hidden_states", rows);
        }
        JsonOutput.print(spec.commandLine().getOut(), output);
      }
      return 0;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Generate completions for a quick look: from a chat message (rendered with the checkpoint's "
          + "template), raw text, or token ids. Sampling defaults to the checkpoint's generation_config.json.")
  static final class Generate implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
      @Option(names = "--chat", description = "A user message, rendered with the chat template and a generation prompt.")
      String chat;

      @Option(names = "--prompt", description = "Raw prompt text (tokenized as is).")
      String prompt;

      @Option(names = "--tokens-file", description = "Prompt token ids (JSON array or separated integers).")
      Path tokensFile;
    }

    @Option(names = "--system", description = "A system message to put before --chat.")
    String system;

    @Option(names = "--enable-thinking", description = "Pass enable_thinking to the chat template (true/false).")
    Boolean enableThinking;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--count", defaultValue = "1", description = "Completions of the same prompt (a batch); default ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--temperature") Double temperature;
    @Option(names = "--top-p") Double topP;
    @Option(names = "--top-k") Integer topK;
    @Option(names = "--repetition-penalty") Double repetitionPenalty;

    @Option(names = "--greedy", description = "Always take the most likely token (top-k 1).")
    boolean greedy;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random draws; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() {
      if (count < 1) {
        throw new UserError("--count must be at least 1");
      }
      try (CausalLanguageModel loaded = load(model, device)) {
        int[] prompt;
        if (input.tokensFile != null) {
          prompt = readTokens(input.tokensFile);
        } else if (input.prompt != null) {
          prompt = loaded.tokenizer().encode(input.prompt);
        } else {
          List<ChatMessage> messages = new ArrayList<>();
          if (system != null) {
            messages.add(ChatMessage.system(system));
          }
          messages.add(ChatMessage.user(input.chat));
          Map<String, Object> extra = new LinkedHashMap<>();
          if (enableThinking != null) {
            extra.put("enable_thinking", enableThinking);
          }
          try {
            prompt = loaded.tokenizer().encode(loaded.chatTemplate().render(messages, true, extra));
          } catch (TemplateException exception) {
            throw new UserError("the checkpoint's chat template failed: " + exception.getMessage(), exception);
          }
        }
        SamplingParameters defaults = loaded.generationConfig().defaultSampling();
        SamplingParameters sampling;
        try {
          sampling = greedy ? SamplingParameters.greedy() : new SamplingParameters(
              temperature != null ? temperature : defaults.temperature(),
              topP != null ? topP : defaults.topP(),
              topK != null ? topK : defaults.topK(),
              repetitionPenalty != null ? repetitionPenalty : defaults.repetitionPenalty());
        } catch (IllegalArgumentException exception) {
          throw new UserError(exception.getMessage());
        }
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          prompts.add(prompt);
        }
        long started = System.nanoTime();
        List<Completion> completions;
        try {
          completions = loaded.generator().generate(prompts, sampling, maxNewTokens, seed);
        } catch (IllegalArgumentException exception) {
          throw new UserError(exception.getMessage(), exception);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long generated = completions.stream().mapToLong(Completion::length).sum();
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("model", loaded.name());
        output.put("prompt_tokens", prompt);
        output.put("sampling", sampling);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Completion completion : completions) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("stop_reason", completion.stopReason().name().toLowerCase(java.util.Locale.ROOT));
          entry.put("tokens", completion.tokens());
          entry.put("text", loaded.tokenizer().decode(completion.tokens()));
          results.add(entry);
        }
        output.put("completions", results);
        output.put("generated_tokens", generated);
        output.put("seconds", Math.round(seconds * 1000) / 1000.0);
        output.put("tokens_per_second", Math.round(generated / Math.max(seconds, 1e-9) * 10) / 10.0);
        JsonOutput.print(spec.commandLine().getOut(), output);
      }
      return 0;
    }
  }
}
