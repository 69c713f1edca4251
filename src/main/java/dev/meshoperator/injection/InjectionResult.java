package dev.meshoperator.injection;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Objects;

/** Outcome of {@link Injector#inject}: the injected pod, or a refusal with the reason. */
public sealed interface InjectionResult {

  /** The injected pod (a new object; the input is never modified). */
  record Injected(Pod pod) implements InjectionResult {
    public Injected {
      Objects.requireNonNull(pod, "pod");
    }
  }

  /**
   * Injection was refused, e.g. for an invalid annotation. The message names the offending
   * annotation and value; admission webhooks should return it to the user.
   */
  record Denied(String message) implements InjectionResult {
    public Denied {
      Objects.requireNonNull(message, "message");
    }
  }

  default boolean injected() {
    return this instanceof Injected;
  }

  /** The injected pod. */
  default Pod pod() {
    if (this instanceof Injected i) {
      return i.pod();
    }
    throw new IllegalStateException("injection was denied: " + ((Denied) this).message());
  }
}
