package dev.quarry.chain.rpc;

import dev.quarry.chain.ChainException;

/** A JSON-RPC error object returned by the node: {@code code}, {@code message} and optional {@code data}. */
public final class JsonRpcException extends ChainException {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String rpcMessage;
  private final String data;

  public JsonRpcException(String method, int code, String rpcMessage, String data) {
    super(Kind.RPC, method + " failed: " + rpcMessage + " (code " + code + (data == null ? "" : ", " + data) + ")");
    this.code = code;
    this.rpcMessage = rpcMessage;
    this.data = data;
  }

  public int code() {
    return code;
  }

  public String rpcMessage() {
    return rpcMessage;
  }

  /** The error's {@code data} as text (e.g. "Custom error: 12"), or null. */
  public String data() {
    return data;
  }
}
