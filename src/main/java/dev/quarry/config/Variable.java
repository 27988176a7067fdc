package dev.quarry.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every variable Quarry reads from the environment or {@code .env}. The constant's name is the
 * variable's name. Grail-compatible variables keep Grail's name and meaning (marked {@link
 * Source#GRAIL}); Quarry's own start with {@code QUARRY_}.
 *
 * <p>To add a variable: add a constant here (group, source, default, description, value check),
 * read it in {@link QuarrySettings}, and document it in {@code .env.example}; a test fails until
 * all three agree.
 */
public enum Variable {
  // Chain and wallet
  BT_NETWORK(Group.CHAIN, Source.GRAIL, false, "finney",
      "Named network: finney (mainnet), test, local, archive or latent-lite. Ignored when BT_CHAIN_ENDPOINT is set.",
      value -> Values.oneOf(value, ChainSettings.NAMED_NETWORKS.keySet())),
  BT_CHAIN_ENDPOINT(Group.CHAIN, Source.GRAIL, false, "",
      "Explicit subtensor WebSocket endpoint (ws:// or wss://); takes precedence over BT_NETWORK.",
      value -> Values.uri(value, Set.of("ws", "wss"))),
  NETUID(Group.CHAIN, Source.GRAIL, false, "81",
      "Subnet id: 81 is Grail on mainnet.",
      value -> Values.integer(value, 0, 65535)),
  BT_CALL_TIMEOUT(Group.CHAIN, Source.GRAIL, false, "15",
      "Seconds before a chain call is abandoned and retried.",
      value -> Values.seconds(value, 0.1, 3600)),
  BT_CALL_RETRIES(Group.CHAIN, Source.GRAIL, false, "3",
      "Retries for a failed chain call.",
      value -> Values.integer(value, 0, 100)),
  BT_WALLET_COLD(Group.CHAIN, Source.GRAIL, false, "default",
      "Coldkey wallet name (a directory under BT_WALLET_PATH), not an address.",
      Variable::walletName),
  BT_WALLET_HOT(Group.CHAIN, Source.GRAIL, false, "default",
      "Hotkey name inside that wallet; the miner signs with this key.",
      Variable::walletName),
  BT_WALLET_NAME(Group.CHAIN, Source.BITTENSOR, false, "default",
      "btcli's name for the coldkey wallet; used when BT_WALLET_COLD is not set.",
      Variable::walletName),
  BT_WALLET_HOTKEY(Group.CHAIN, Source.BITTENSOR, false, "default",
      "btcli's name for the hotkey; used when BT_WALLET_HOT is not set.",
      Variable::walletName),
  BT_WALLET_PATH(Group.CHAIN, Source.BITTENSOR, false, "~/.bittensor/wallets",
      "Directory holding btcli wallets (same variable as the bittensor SDK).",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  QUARRY_WALLET_PASSWORD(Group.CHAIN, Source.QUARRY, true, "",
      "Password of the hotkey file, only if it is encrypted (btcli hotkeys normally are not).",
      value -> { }),

  // Object storage
  R2_ACCOUNT_ID(Group.STORAGE, Source.GRAIL, false, "",
      "Cloudflare account id (32 hex characters). It is also the bucket name validators look for.",
      value -> BucketSettings.checkAccountId(value, false)),
  R2_BUCKET_ID(Group.STORAGE, Source.GRAIL, false, "same as R2_ACCOUNT_ID",
      "Bucket name. Must equal R2_ACCOUNT_ID: validators derive the bucket from the account id on chain.",
      value -> BucketSettings.checkAccountId(value, true)),
  R2_WRITE_ACCESS_KEY_ID(Group.STORAGE, Source.GRAIL, false, "",
      "Key id of the write (Edit) API token. Private: used only to upload.",
      BucketSettings::checkKeyId),
  R2_WRITE_SECRET_ACCESS_KEY(Group.STORAGE, Source.GRAIL, true, "",
      "Secret of the write API token. Never leaves this machine except to sign S3 requests.",
      BucketSettings::checkSecret),
  R2_READ_ACCESS_KEY_ID(Group.STORAGE, Source.GRAIL, false, "",
      "Key id of the read-only API token (at most 32 characters). Published on chain so validators can download your files.",
      BucketSettings::checkPublishedKeyId),
  R2_READ_SECRET_ACCESS_KEY(Group.STORAGE, Source.GRAIL, true, "",
      "Secret of the read-only token (at most 64 characters). Published on chain by design, never logged.",
      BucketSettings::checkPublishedSecret),
  R2_ENDPOINT_URL(Group.STORAGE, Source.GRAIL, false, "https://<R2_ACCOUNT_ID>.r2.cloudflarestorage.com",
      "S3 endpoint override, for MinIO, S3Proxy or another S3-compatible store.",
      value -> Values.uri(value, Set.of("http", "https"))),
  R2_REGION(Group.STORAGE, Source.GRAIL, false, "us-east-1",
      "S3 signing region.",
      value -> { }),
  R2_FORCE_PATH_STYLE(Group.STORAGE, Source.GRAIL, false, "false",
      "Path-style bucket addressing (true for MinIO and S3Proxy).",
      Values::bool),
  UPLOAD_TIMEOUT(Group.STORAGE, Source.GRAIL, false, "90",
      "Seconds allowed for one upload attempt.",
      value -> Values.seconds(value, 1, 3600)),
  QUARRY_ALLOW_SINGLE_CREDENTIAL(Group.STORAGE, Source.QUARRY, false, "false",
      "true lets Quarry run without R2_READ_* keys by publishing the WRITE keys on chain as Grail does "
          + "(anyone can then overwrite or delete your files). Logged as a warning at every start.",
      Values::bool),

  // Mining
  GRAIL_MINER_SAFETY_BLOCKS(Group.MINING, Source.GRAIL, false, "3",
      "Blocks kept in reserve before the window ends: generation stops early enough to upload in time.",
      value -> Values.integer(value, 0, 29)),

  // drand
  QUARRY_DRAND(Group.DRAND, Source.QUARRY, false, "true",
      "Mix a verified drand quicknet beacon into each window's randomness. false is the same as --no-drand.",
      Values::bool),
  QUARRY_DRAND_RELAYS(Group.DRAND, Source.QUARRY, false, "the five public League of Entropy relays",
      "Comma-separated relay base URLs, tried in order.",
      value -> Values.list(value, item -> Values.uri(item, Set.of("http", "https")))),
  QUARRY_DRAND_TIMEOUT(Group.DRAND, Source.QUARRY, false, "5",
      "Seconds allowed for one drand HTTP request.",
      value -> Values.seconds(value, 0.1, 120)),

  // Devices and generation
  QUARRY_GENERATION_DEVICES(Group.DEVICES, Source.QUARRY, false, "auto",
      "Devices that generate rollouts: auto, cpu, or gpu:N[,gpu:M...]. Unset: GRAIL_PIPELINE_VLLM_GPU/_TP if set, else auto.",
      DeviceSettings::parseSelection),
  QUARRY_PROOF_DEVICE(Group.DEVICES, Source.QUARRY, false, "auto",
      "Device that recomputes hidden states for proofs: auto, cpu or gpu:N. Unset: GRAIL_PIPELINE_PROOF_GPU if set, else auto.",
      DeviceSettings::parseSelection),
  GRAIL_PIPELINE_VLLM_GPU(Group.DEVICES, Source.GRAIL, false, "0",
      "Grail's generation GPU index; used for QUARRY_GENERATION_DEVICES when that is not set.",
      value -> Values.integer(value, 0, 1023)),
  GRAIL_PIPELINE_VLLM_TP(Group.DEVICES, Source.GRAIL, false, "1",
      "Grail's tensor-parallel size: the number of consecutive GPUs from GRAIL_PIPELINE_VLLM_GPU.",
      value -> Values.integer(value, 1, 64)),
  GRAIL_PIPELINE_PROOF_GPU(Group.DEVICES, Source.GRAIL, false, "1",
      "Grail's proof GPU index; used for QUARRY_PROOF_DEVICE when that is not set.",
      value -> Values.integer(value, 0, 1023)),
  GRAIL_PIPELINE_MAX_MODEL_LEN(Group.DEVICES, Source.GRAIL, false, "12288",
      "Longest sequence (prompt + completion tokens) the generator accepts; longer problems are skipped, never clamped.",
      value -> Values.integer(value, 256, 1_048_576)),
  GRAIL_PIPELINE_MAX_NUM_SEQS(Group.DEVICES, Source.GRAIL, false, "64",
      "Most sequences one device generates together.",
      value -> Values.integer(value, 1, 4096)),
  GRAIL_PIPELINE_GPU_MEM_UTIL(Group.DEVICES, Source.GRAIL, false, "0.90",
      "Fraction of a GPU's memory the generator may use.",
      value -> Values.decimal(value, 0.05, 1.0)),
  GRAIL_GPU_EVAL(Group.DEVICES, Source.GRAIL, false, "false",
      "Run triton_kernel rewards on a GPU (otherwise only compilation is checked).",
      Values::bool),
  KERNEL_EVAL_GPU_IDS(Group.DEVICES, Source.GRAIL, false, "",
      "Physical GPU indices for kernel evaluation, comma-separated.",
      value -> Values.list(value, item -> Values.integer(item, 0, 1023))),
  KERNEL_EVAL_BACKEND(Group.DEVICES, Source.GRAIL, false, "persistent",
      "Kernel evaluation backend: persistent or subprocess.",
      value -> Values.oneOf(value, Set.of("persistent", "subprocess"))),
  KERNEL_EVAL_TIMEOUT(Group.DEVICES, Source.GRAIL, false, "60",
      "Seconds allowed per kernel evaluation.",
      value -> Values.seconds(value, 1, 3600)),

  // Paths
  QUARRY_DATA_DIR(Group.PATHS, Source.QUARRY, false, "~/.quarry",
      "Quarry's working directory: window files waiting for upload, local state.",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  GRAIL_CACHE_DIR(Group.PATHS, Source.GRAIL, false, "~/.cache/grail",
      "Checkpoint cache (checkpoints live in its checkpoints/ subdirectory, as in Grail).",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  HF_HOME(Group.PATHS, Source.GRAIL, false, "~/.cache/huggingface",
      "Hugging Face cache for tokenizers, base models and the environments' datasets (its hub/ subdirectory).",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),

  // Environments, datasets and the code sandbox
  QUARRY_DATASET_DIR(Group.ENVIRONMENTS, Source.QUARRY, false, "",
      "Directory of Hugging Face dataset repositories laid out as <owner>/<name>/... (e.g. openai/gsm8k/main/train-*.parquet); searched before the HF cache.",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  HF_ENDPOINT(Group.ENVIRONMENTS, Source.GRAIL, false, "https://huggingface.co",
      "Hugging Face hub (or mirror) that `quarry datasets download` fetches from.",
      value -> Values.uri(value, Set.of("http", "https"))),
  HF_TOKEN(Group.ENVIRONMENTS, Source.GRAIL, true, "",
      "Hugging Face access token for downloads; the public datasets need none. Falls back to $HF_HOME/token.",
      value -> { }),
  QUARRY_PYTHON(Group.ENVIRONMENTS, Source.QUARRY, false, "python3",
      "Python interpreter for the code sandbox (MBPP, HumanEval, triton_kernel) and MATH's sympy check; CPython 3.12 with sympy 1.14.0 matches validators.",
      value -> { }),
  QUARRY_KERNEL_PYTHON(Group.ENVIRONMENTS, Source.QUARRY, false, "same as QUARRY_PYTHON",
      "Python interpreter with torch and triton for triton_kernel GPU evaluation (GRAIL_GPU_EVAL, KERNEL_EVAL_*).",
      value -> { }),
  QUARRY_SANDBOX_WORKERS(Group.ENVIRONMENTS, Source.QUARRY, false, "4",
      "Persistent Python worker processes running model-written code (each one request at a time).",
      value -> Values.integer(value, 1, 256)),

  // Cluster and management endpoint
  QUARRY_NODE_ROLES(Group.CLUSTER, Source.QUARRY, false, "coordinator,worker (conf/quarry.conf)",
      "Cluster roles of this node: coordinator (follows the chain, uploads), worker (generates), god (G.O.D endpoint).",
      value -> NodeSettings.parseRoles(value)),
  QUARRY_CLUSTER_HOST(Group.CLUSTER, Source.QUARRY, false, "127.0.0.1 (conf/quarry.conf)",
      "Address other nodes reach this node on (Artery canonical host).",
      Values::host),
  QUARRY_CLUSTER_PORT(Group.CLUSTER, Source.QUARRY, false, "25520 (conf/quarry.conf)",
      "Cluster (Artery) port; 0 picks a free port, which only makes sense for a single node.",
      value -> Values.integer(value, 0, 65535)),
  QUARRY_SEED_NODES(Group.CLUSTER, Source.QUARRY, false, "none: this node forms a cluster by itself",
      "Comma-separated host:port of nodes to join.",
      value -> Values.list(value, Values::hostPort)),
  QUARRY_MANAGEMENT_HOST(Group.CLUSTER, Source.QUARRY, false, "127.0.0.1 (conf/quarry.conf)",
      "Address of the management endpoint (/health, /ready, /status, /metrics). 0.0.0.0 exposes it to the network.",
      Values::host),
  QUARRY_MANAGEMENT_PORT(Group.CLUSTER, Source.QUARRY, false, "9180 (conf/quarry.conf)",
      "Port of the management endpoint; 0 picks a free port.",
      value -> Values.integer(value, 0, 65535)),

  // G.O.D tournament miner (subnet 56). MINER_* names and meanings are G.O.D's reference miner's;
  // GodSettings checks the values (URL, commit, whitelist), these checks only keep quarry init honest.
  MINER_TRAINING_REPO(Group.GOD, Source.GOD, false, "",
      "GitHub repository validators clone and run, https://github.com/<owner>/<repo>, for every tournament family.",
      value -> { }),
  MINER_TRAINING_COMMIT(Group.GOD, Source.GOD, false, "",
      "Full 40-character lowercase commit SHA of that repository (branch and tag names are rejected).",
      value -> { }),
  MINER_GITHUB_TOKEN(Group.GOD, Source.GOD, true, "",
      "Fine-grained read-only GitHub token, only for a private repository; sent only to authenticated validators.",
      value -> { }),
  MINER_REQUESTED_DATASETS(Group.GOD, Source.GOD, false, "",
      "Comma-separated Hugging Face datasets from G.O.D's whitelist, at most 2; others are dropped with a warning.",
      value -> { }),
  MINER_TEXT_TRAINING_REPO(Group.GOD, Source.GOD, false, "MINER_TRAINING_REPO",
      "Repository for text tournaments only; overrides MINER_TRAINING_REPO.",
      value -> { }),
  MINER_TEXT_TRAINING_COMMIT(Group.GOD, Source.GOD, false, "MINER_TRAINING_COMMIT",
      "Commit for text tournaments only; overrides MINER_TRAINING_COMMIT.",
      value -> { }),
  MINER_TEXT_GITHUB_TOKEN(Group.GOD, Source.GOD, true, "",
      "Token for text tournaments only; overrides MINER_GITHUB_TOKEN.",
      value -> { }),
  MINER_TEXT_REQUESTED_DATASETS(Group.GOD, Source.GOD, false, "MINER_REQUESTED_DATASETS",
      "Datasets for text tournaments only; overrides MINER_REQUESTED_DATASETS.",
      value -> { }),
  MINER_IMAGE_TRAINING_REPO(Group.GOD, Source.GOD, false, "MINER_TRAINING_REPO",
      "Repository for image tournaments only; overrides MINER_TRAINING_REPO.",
      value -> { }),
  MINER_IMAGE_TRAINING_COMMIT(Group.GOD, Source.GOD, false, "MINER_TRAINING_COMMIT",
      "Commit for image tournaments only; overrides MINER_TRAINING_COMMIT.",
      value -> { }),
  MINER_IMAGE_GITHUB_TOKEN(Group.GOD, Source.GOD, true, "",
      "Token for image tournaments only; overrides MINER_GITHUB_TOKEN.",
      value -> { }),
  MINER_IMAGE_REQUESTED_DATASETS(Group.GOD, Source.GOD, false, "MINER_REQUESTED_DATASETS",
      "Datasets for image tournaments only; overrides MINER_REQUESTED_DATASETS.",
      value -> { }),
  MINER_ENVIRONMENT_TRAINING_REPO(Group.GOD, Source.GOD, false, "MINER_TRAINING_REPO",
      "Repository for environment tournaments only; overrides MINER_TRAINING_REPO.",
      value -> { }),
  MINER_ENVIRONMENT_TRAINING_COMMIT(Group.GOD, Source.GOD, false, "MINER_TRAINING_COMMIT",
      "Commit for environment tournaments only; overrides MINER_TRAINING_COMMIT.",
      value -> { }),
  MINER_ENVIRONMENT_GITHUB_TOKEN(Group.GOD, Source.GOD, true, "",
      "Token for environment tournaments only; overrides MINER_GITHUB_TOKEN.",
      value -> { }),
  MINER_ENVIRONMENT_REQUESTED_DATASETS(Group.GOD, Source.GOD, false, "MINER_REQUESTED_DATASETS",
      "Datasets for environment tournaments only; overrides MINER_REQUESTED_DATASETS.",
      value -> { }),
  MIN_STAKE_THRESHOLD(Group.GOD, Source.GOD, false, "1000",
      "Fiber's minimum stake (TAO, compared with the validator's total stake weight) for a validator to be answered.",
      value -> { }),
  QUARRY_GOD_NETUID(Group.GOD, Source.QUARRY, false, "56 (241 when BT_NETWORK=test)",
      "Subnet of the G.O.D miner; separate from NETUID so one node can mine Grail and G.O.D.",
      value -> Values.integer(value, 0, 65535)),
  QUARRY_GOD_HOST(Group.GOD, Source.QUARRY, false, "0.0.0.0",
      "Address the training-repo endpoint listens on; validators must reach it at the IP posted on chain.",
      Values::host),
  QUARRY_GOD_PORT(Group.GOD, Source.QUARRY, false, "7999",
      "Port of the training-repo endpoint (G.O.D's default); 0 picks a free port.",
      value -> Values.integer(value, 0, 65535)),

  // BlockZero miner. The reference configures these in a YAML file per run; BlockZeroSettings
  // checks combinations (files exist, the group is in the assignment) when a role starts.
  QUARRY_BLOCKZERO_NETUID(Group.BLOCKZERO, Source.QUARRY, false, "348",
      "BlockZero subnet (348 is the reference's testnet default; the owner announces the live one).",
      value -> Values.integer(value, 0, 65535)),
  QUARRY_BLOCKZERO_PHASE_SERVICE(Group.BLOCKZERO, Source.QUARRY, false, "http://149.137.225.62:7000",
      "The subnet owner's phase service (/get_phase, /blocks_until_next_phase, /previous_phase_blocks).",
      value -> Values.uri(value, Set.of("http", "https"))),
  QUARRY_BLOCKZERO_EXPERT_GROUP(Group.BLOCKZERO, Source.QUARRY, false, "0",
      "Expert group this hotkey trains and commits (the e of its chain records).",
      value -> Values.integer(value, 0, 1_000_000)),
  QUARRY_BLOCKZERO_EXPERT_ASSIGNMENT(Group.BLOCKZERO, Source.QUARRY, false, "",
      "The group's expert_assignment.json ({\"<layer>\": [[expert_id, original_id], ...]}) from the subnet's expert_groups.",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  QUARRY_BLOCKZERO_MODEL(Group.BLOCKZERO, Source.QUARRY, false, "",
      "Base model directory (config.json, model.safetensors, tokenizer) of architecture QuarryBlockZeroMoeForCausalLM.",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  QUARRY_BLOCKZERO_DATASET(Group.BLOCKZERO, Source.QUARRY, false, "",
      "Training data: a JSONL file of {\"messages\": [...]} (chat) or {\"text\": ...} rows.",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  QUARRY_BLOCKZERO_DATA_SHARD(Group.BLOCKZERO, Source.QUARRY, false, "0/1",
      "This miner's share of the dataset as rank/count: rows i with i % count == rank.",
      value -> { }),
  QUARRY_BLOCKZERO_DIR(Group.BLOCKZERO, Source.QUARRY, false, "<QUARRY_DATA_DIR>/blockzero",
      "Root of BlockZero checkpoints: checkpoints/miner/<wallet>/<hotkey>/<run>/ and checkpoints/miner/validator_checkpoint/.",
      value -> Values.path(value, Path.of(System.getProperty("user.home")))),
  QUARRY_BLOCKZERO_RUN(Group.BLOCKZERO, Source.QUARRY, false, "foundation",
      "Run name: the last directory of this hotkey's checkpoints, shared by the train and model-io roles.",
      Variable::walletName),
  QUARRY_BLOCKZERO_DEVICES(Group.BLOCKZERO, Source.QUARRY, false, "cpu",
      "Training devices: cpu, or cuda:N[,cuda:M...] for data parallel over several GPUs.",
      value -> { }),
  QUARRY_BLOCKZERO_LR(Group.BLOCKZERO, Source.QUARRY, false, "2e-5",
      "Peak learning rate of AdamW (weight decay 0.1, betas 0.9/0.95 as the reference).",
      value -> Values.decimal(value, 0, 10)),
  QUARRY_BLOCKZERO_WARMUP_STEPS(Group.BLOCKZERO, Source.QUARRY, false, "600",
      "Linear warm-up steps of the cosine schedule.",
      value -> Values.integer(value, 0, Integer.MAX_VALUE)),
  QUARRY_BLOCKZERO_TOTAL_STEPS(Group.BLOCKZERO, Source.QUARRY, false, "88000",
      "Steps of the whole cosine schedule (the learning rate reaches 0 there).",
      value -> Values.integer(value, 1, Integer.MAX_VALUE)),
  QUARRY_BLOCKZERO_GRADIENT_ACCUMULATION(Group.BLOCKZERO, Source.QUARRY, false, "5",
      "Micro-batches per optimizer step.",
      value -> Values.integer(value, 1, 10_000)),
  QUARRY_BLOCKZERO_BATCH_SIZE(Group.BLOCKZERO, Source.QUARRY, false, "2",
      "Sequences per micro-batch and device (the reference's per_device_train_batch_size).",
      value -> Values.integer(value, 1, 100_000)),
  QUARRY_BLOCKZERO_SEQUENCE_LENGTH(Group.BLOCKZERO, Source.QUARRY, false, "100",
      "Tokens per sequence; longer rows are truncated (exp_math uses 100).",
      value -> Values.integer(value, 2, 1_000_000)),
  QUARRY_BLOCKZERO_TOP_K(Group.BLOCKZERO, Source.QUARRY, false, "1",
      "Experts per token while training the group (the reference's partial_topk).",
      value -> Values.integer(value, 1, 1024)),
  QUARRY_BLOCKZERO_CHECKPOINT_INTERVAL(Group.BLOCKZERO, Source.QUARRY, false, "20",
      "Optimizer steps between checkpoints the model-io role can commit.",
      value -> Values.integer(value, 1, 1_000_000)),
  QUARRY_BLOCKZERO_CHECKPOINT_KEEP(Group.BLOCKZERO, Source.QUARRY, false, "5",
      "Checkpoints kept per directory (the reference's checkpoint_topk).",
      value -> Values.integer(value, 1, 1000)),
  QUARRY_BLOCKZERO_AXON(Group.BLOCKZERO, Source.QUARRY, false, "",
      "ip:port to publish with serve_axon when model-io starts (validators' filters want miners' axons on chain).",
      Values::hostPort),
  QUARRY_BLOCKZERO_VALIDATOR_TOKEN(Group.BLOCKZERO, Source.QUARRY, true, "",
      "Bearer token sent to validators, only if the subnet's validators require one (AUTH_TOKEN).",
      value -> { }),
  QUARRY_BLOCKZERO_BLOCK_SECONDS(Group.BLOCKZERO, Source.QUARRY, false, "12",
      "Seconds per block, used only to pace phase-service polls.",
      value -> Values.decimal(value, 0.05, 600));

  /** How variables are grouped in {@code .env.example}, {@code quarry init} and the docs. */
  public enum Group {
    CHAIN("Chain and wallet"),
    STORAGE("Object storage (Cloudflare R2 or any S3)"),
    MINING("Mining"),
    DRAND("drand randomness"),
    DEVICES("Devices and generation"),
    PATHS("Paths and caches"),
    ENVIRONMENTS("Environments, datasets and the code sandbox"),
    CLUSTER("Cluster and management endpoint"),
    GOD("G.O.D tournament miner (subnet 56)"),
    BLOCKZERO("BlockZero miner");

    private final String title;

    Group(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  /** Who defines the variable's name and meaning. */
  public enum Source {
    GRAIL,
    BITTENSOR,
    QUARRY,
    /** G.O.D's reference miner and the Fiber library it runs on (subnet 56). */
    GOD
  }

  /**
   * Variables that appear in Grail's {@code .env.example} and are accepted without effect: they
   * configure Grail's trainer, validator deployment, monitoring, or its SGLang/vLLM server, which
   * Quarry replaces. Listed so an unchanged Grail {@code .env} loads without "unknown variable" hints.
   */
  public static final List<String> GRAIL_VARIABLES_WITHOUT_EFFECT = List.of(
      "BT_NETUID", "BT_CALL_BACKOFF", "BT_CLOSE_TIMEOUT", "BT_INIT_TIMEOUT", "SUBSTRATE_QUERY_TIMEOUT",
      "SUBSTRATE_QUERY_RETRIES", "DRAND_CHAIN", "HF_USERNAME", "GRAIL_GENERATION_BATCH_SIZE",
      "GRAIL_PIPELINE_BACKEND", "GRAIL_PIPELINE_PROOF_FLASH_ATTN", "GRAIL_PIPELINE_MAX_CONCURRENT",
      "GRAIL_PIPELINE_SERVER_TIMEOUT", "GRAIL_PIPELINE_SYMLINK_DIR", "GRAIL_THINKING_MODE", "GRAIL_ENV_ID",
      "GRAIL_ENV_SPLIT", "GRAIL_HOST_STORAGE_PATH", "GRAIL_MONITORING_BACKEND", "GRAIL_CHECKPOINT_MILESTONE_INTERVAL",
      "GRAIL_DELTA_FORMAT", "GRAIL_LR_SCHEDULER_TYPE", "GRAIL_WARMUP_FRACTION", "GRAIL_SCHEDULER_ETA_MIN",
      "GRAIL_LOG_FILE", "GRAIL_LOG_MAX_SIZE", "GRAIL_LOG_BACKUP_COUNT", "GRAIL_ENV", "GF_SERVER_ROOT_URL",
      "PROMTAIL_ENABLE", "PROMTAIL_LOKI_URL", "PROMTAIL_JOB");

  /** Prefixes of Grail variables without effect (trainer, validator image, GRPO, generation, monitoring). */
  public static final List<String> GRAIL_PREFIXES_WITHOUT_EFFECT = List.of(
      "GRAIL_TRAIN_", "GRAIL_REF_", "GRAIL_TRAINER_", "GRAIL_GRPO_", "GRAIL_VALIDATOR_", "GRAIL_GEN_",
      "GRAIL_METRIC_", "WANDB_");

  private final Group group;
  private final Source source;
  private final boolean secret;
  private final String defaultValue;
  private final String description;
  private final Consumer<String> check;

  Variable(Group group, Source source, boolean secret, String defaultValue, String description, Consumer<String> check) {
    this.group = group;
    this.source = source;
    this.secret = secret;
    this.defaultValue = defaultValue;
    this.description = description;
    this.check = check;
  }

  public Group group() {
    return group;
  }

  public Source source() {
    return source;
  }

  /** Whether the value must never be printed. */
  public boolean secret() {
    return secret;
  }

  /** The default as documented (a value, or a phrase such as "same as R2_ACCOUNT_ID"). */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /**
   * Checks one value on its own (cross-variable rules live in {@link QuarrySettings}). Returns the
   * problem, phrased without repeating the value, or empty when it is acceptable. Blank means unset
   * and is always acceptable here.
   */
  public Optional<String> problemWith(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      check.accept(value.trim());
      return Optional.empty();
    } catch (IllegalArgumentException problem) {
      return Optional.of(problem.getMessage());
    }
  }

  /** Whether {@code name} is a Grail variable Quarry accepts without effect. */
  public static boolean isGrailVariableWithoutEffect(String name) {
    return GRAIL_VARIABLES_WITHOUT_EFFECT.contains(name)
        || GRAIL_PREFIXES_WITHOUT_EFFECT.stream().anyMatch(name::startsWith);
  }

  /** The catalog variable nearest to a misspelt name, if one is close. */
  public static Optional<Variable> closestTo(String name) {
    return Arrays.stream(values())
        .filter(variable -> Values.editDistance(variable.name(), name) <= Math.max(2, name.length() / 6))
        .min(Comparator.comparingInt(variable -> Values.editDistance(variable.name(), name)));
  }

  public static Optional<Variable> named(String name) {
    return Arrays.stream(values()).filter(variable -> variable.name().equals(name)).findFirst();
  }

  private static void walletName(String value) {
    if (!value.matches("[A-Za-z0-9._-]+") || value.startsWith(".")) {
      throw new IllegalArgumentException(
          "is not a wallet name (letters, digits, '.', '_' and '-'; it is a directory name, not an SS58 address or path)");
    }
  }
}
