package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Objects;

/** Outcome of {@link Injector#inject}: the injected pod, or a refusal with the reason. */
public sealed interface InjectionResult {

  /**
   * The injected pod (a new object; the input is never modified).
   *
   * @param input the input pod's JSON form as the injector read it (null when not kept): the
   *     "before" of {@link #patch()}, so the webhook does not convert the pod to JSON once more
   */
  record Injected(Pod pod, JsonNode input) implements InjectionResult {
    public Injected {
      Objects.requireNonNull(pod, "pod");
    }

    public Injected(Pod pod) {
      this(pod, null);
    }

    /** The JSON patch from the input pod to the injected one (what a webhook returns). */
    public JsonNode patch(Pod input) {
      return this.input != null ? JsonPatches.diff(this.input, pod) : JsonPatches.diff(input, pod);
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
