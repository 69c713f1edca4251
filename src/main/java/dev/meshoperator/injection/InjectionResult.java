package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Objects;

/** Outcome of {@link Injector#inject}: the injected pod, or a refusal with the reason. */
public sealed interface InjectionResult {

  /**
   * The injected pod (a new object; the input is never modified), held in its fabric8 form, its
   * JSON form or both: each is made from the other only when asked for.
   */
  final class Injected implements InjectionResult {
    private Pod pod;
    private final JsonNode input;
    private JsonNode after;

    /**
     * @param pod the injected pod
     * @param input the input pod's JSON form as the injector read it (null when not kept): the
     *     "before" of {@link #patch()}, so the webhook does not convert the pod to JSON once more
     */
    public Injected(Pod pod, JsonNode input) {
      this.pod = Objects.requireNonNull(pod, "pod");
      this.input = input;
    }

    public Injected(Pod pod) {
      this(pod, null);
    }

    private Injected(JsonNode input, JsonNode after) {
      this.input = Objects.requireNonNull(input, "input");
      this.after = Objects.requireNonNull(after, "after");
    }

    /** An injected pod known by the JSON forms of the pod before and after injection. */
    static Injected ofJson(JsonNode input, JsonNode after) {
      return new Injected(input, after);
    }

    /** The injected pod; built from its JSON form on the first call when only that is known. */
    public Pod pod() {
      if (pod == null) {
        pod = Json.toPod(after);
      }
      return pod;
    }

    /** The input pod's JSON form as the injector read it, or null when not kept. */
    public JsonNode input() {
      return input;
    }

    /** The JSON patch from the input pod to the injected one (what a webhook returns). */
    public JsonNode patch() {
      if (input == null) {
        throw new IllegalStateException("the input pod's JSON form was not kept: use patch(Pod)");
      }
      if (after == null) {
        after = Json.toTree(pod);
      }
      return JsonPatches.diff(input, after);
    }

    /** As {@link #patch()}, from {@code input} when the injector did not keep its JSON form. */
    public JsonNode patch(Pod input) {
      return this.input != null ? patch() : JsonPatches.diff(input, pod());
    }

    @Override
    public String toString() {
      return "Injected[" + (pod != null ? pod : after) + "]";
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
