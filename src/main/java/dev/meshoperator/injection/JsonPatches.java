package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;

/** RFC 6902 JSON patches between pods, as an admission webhook returns them. */
public final class JsonPatches {

  private JsonPatches() {}

  /**
   * The patch turning {@code before} into {@code after}. Only add, remove and replace operations
   * are used (no move/copy), which every patch consumer understands.
   */
  public static JsonNode diff(Pod before, Pod after) {
    return TreeDiff.diff(Json.toTree(before), Json.toTree(after));
  }

  /** As {@link #diff(Pod, Pod)}, with the pod before already in its JSON form. */
  public static JsonNode diff(JsonNode before, Pod after) {
    return TreeDiff.diff(before, Json.toTree(after));
  }

  /** As {@link #diff(Pod, Pod)}, on the JSON forms of both pods. */
  public static JsonNode diff(JsonNode before, JsonNode after) {
    return TreeDiff.diff(before, after);
  }

  /** {@code patch} applied to {@code pod}; the pod itself is not modified. */
  public static Pod apply(Pod pod, JsonNode patch) {
    return Json.toPod(JsonPatch.apply(patch, Json.toTree(pod)));
  }

  /** The JSON form of a pod, as used by {@link #diff}. */
  public static JsonNode toJson(Pod pod) {
    return Json.toTree(pod);
  }
}
