package dev.wattswarm.kernel.task;

import java.util.List;

/** A task document with one or more bad fields; every one is named, not just the first. */
public class TaskValidationException extends IllegalArgumentException {
  /** @param field JSON path of the field, e.g. {@code inputs.prompt} */
  public record FieldError(String field, String message) {}

  private final List<FieldError> errors;

  public TaskValidationException(List<FieldError> errors) {
    super(summary(errors));
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }

  private static String summary(List<FieldError> errors) {
    StringBuilder sb = new StringBuilder("invalid task: ");
    for (int i = 0; i < errors.size(); i++) {
      if (i > 0) sb.append("; ");
      sb.append(errors.get(i).field()).append(": ").append(errors.get(i).message());
    }
    return sb.toString();
  }
}
