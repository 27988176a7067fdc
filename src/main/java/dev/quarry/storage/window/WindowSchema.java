package dev.quarry.storage.window;

import static org.apache.parquet.schema.LogicalTypeAnnotation.listType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import org.apache.parquet.schema.ColumnOrder;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schema pyarrow writes for grail's {@code INFERENCE_SCHEMA}: every field optional (Arrow
 * fields are nullable), strings as BINARY/STRING, lists in the standard three-level form
 * ({@code optional group x (LIST) { repeated group list { optional T element } }}).
 */
final class WindowSchema {

  static final String WALLET = "wallet";
  static final String WINDOW_START = "window_start";
  static final String WINDOW_LENGTH = "window_length";
  static final String INFERENCE_COUNT = "inference_count";
  static final String TIMESTAMP = "timestamp";

  /**
   * pyarrow declares type-defined (numeric) ordering for float and double statistics; parquet-java
   * leaves it undefined unless asked, so we ask, to describe our columns exactly as the reference does.
   */
  private static final ColumnOrder TYPE_DEFINED = ColumnOrder.typeDefined();

  static final MessageType SCHEMA = Types.buildMessage()
      .optional(INT64).named("window_start")
      .optional(INT64).named("block")
      .optional(INT64).named("nonce")
      .optional(BINARY).as(stringType()).named("block_hash")
      .optional(BINARY).as(stringType()).named("randomness")
      .optional(BOOLEAN).named("use_drand")
      .optional(INT64).named("rollout_group")
      .optional(INT32).named("rollout_index")
      .optional(INT32).named("total_in_group")
      .optional(INT64).named("checkpoint_window")
      .addField(Types.optionalGroup()
          .addField(list("tokens", INT32))
          .optional(BINARY).as(stringType()).named("commitments")
          .optional(BINARY).as(stringType()).named("proof_version")
          .addField(Types.optionalGroup()
              .optional(BINARY).as(stringType()).named("name")
              .optional(INT32).named("layer_index")
              .named("model"))
          .optional(BINARY).as(stringType()).named("signature")
          .optional(BINARY).as(stringType()).named("beacon")
          .addField(Types.optionalGroup()
              .optional(DOUBLE).columnOrder(TYPE_DEFINED).named("total_reward")
              .optional(DOUBLE).columnOrder(TYPE_DEFINED).named("advantage")
              .optional(BOOLEAN).named("success")
              .addField(list("token_logprobs", FLOAT))
              .optional(INT32).named("prompt_length")
              .optional(INT32).named("completion_length")
              .named("rollout"))
          .named("commit"))
      .optional(DOUBLE).columnOrder(TYPE_DEFINED).named("timestamp")
      .optional(BINARY).as(stringType()).named("challenge")
      .optional(BINARY).as(stringType()).named("hotkey")
      .optional(BINARY).as(stringType()).named("signature")
      .named("schema");

  private WindowSchema() {}


  private static GroupType list(String name, PrimitiveType.PrimitiveTypeName elementType) {
    Type element = elementType == FLOAT
        ? Types.optional(elementType).columnOrder(TYPE_DEFINED).named("element")
        : Types.optional(elementType).named("element");
    return Types.optionalGroup().as(listType())
        .addField(Types.repeatedGroup().addField(element).named("list"))
        .named(name);
  }
}
