package dev.wattswarm.server;

/**
 * An error the API reports to the client as {@code {"error":{"code","message","field"}}}.
 *
 * @param field the request field at fault, or null
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;
  private final com.fasterxml.jackson.databind.JsonNode details;

  public ApiException(int status, String code, String message, String field) {
    this(status, code, message, field, null);
  }

  /** @param details extra JSON put beside the message, e.g. every invalid field */
  public ApiException(int status, String code, String message, String field, com.fasterxml.jackson.databind.JsonNode details) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }

  public com.fasterxml.jackson.databind.JsonNode details() {
    return details;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "bad_request", message, field);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message, null);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }
}
