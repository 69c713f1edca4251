package dev.meshoperator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A content hash of a desired object, stored as an annotation. For kinds whose served form the
 * apiserver rewrites heavily (CRDs: schema normalization, defaulted conversion and printer column
 * fields), comparing this hash is a stable "already applied" test where a field-by-field comparison
 * would see differences that are not there and re-apply on every reconcile.
 */
public final class DesiredHash {

  public static final String ANNOTATION = "meshoperator.dev/desired-hash";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private DesiredHash() {}

  /** Returns {@code resource} with the hash of its current content in {@link #ANNOTATION}. */
  public static <R extends HasMetadata> R annotate(R resource) {
    Map<String, String> annotations =
        resource.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(resource.getMetadata().getAnnotations());
    annotations.remove(ANNOTATION);
    resource.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
    String hash = hash(resource);
    annotations.put(ANNOTATION, hash);
    resource.getMetadata().setAnnotations(annotations);
    return resource;
  }

  /** The hash recorded on {@code resource}, or null. */
  public static String of(HasMetadata resource) {
    var annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ANNOTATION);
  }

  static String hash(Object value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash desired state", e);
    }
  }
}
