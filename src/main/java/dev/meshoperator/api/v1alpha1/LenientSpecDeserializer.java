package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Reads a spec without ever failing: an informer decodes a whole list at once, so one object Java
 * cannot hold (a value the schema let through, or one stored before a bound existed) would stop the
 * informer and with it every MeshControlPlane. Such a spec becomes an empty one that says what is
 * wrong ({@link MeshControlPlaneSpec#invalid()}); the reconciler refuses it on that CR alone.
 */
final class LenientSpecDeserializer extends StdDeserializer<MeshControlPlaneSpec> {

  private static final int MAX_MESSAGE = 240;

  LenientSpecDeserializer() {
    super(MeshControlPlaneSpec.class);
  }

  @Override
  public MeshControlPlaneSpec deserialize(JsonParser p, DeserializationContext ctxt)
      throws IOException {
    JsonNode tree = p.readValueAsTree();
    try {
      return p.getCodec().treeToValue(tree, MeshControlPlaneSpec.Strict.class);
    } catch (IOException | IllegalArgumentException e) {
      var spec = new MeshControlPlaneSpec();
      spec.invalid = describe(e);
      spec.raw = tree;
      return spec;
    }
  }

  /** "spec.istiod.replicas: <first line of Jackson's message>", bounded. */
  static String describe(Exception e) {
    StringBuilder path = new StringBuilder("spec");
    String message = e.getMessage();
    if (e instanceof JsonMappingException m) {
      for (var ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          path.append('.').append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      message = m.getOriginalMessage();
    }
    String first =
        message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    int cut = first.indexOf(" at [Source");
    if (cut > 0) {
      first = first.substring(0, cut);
    }
    String text = path + " cannot be read: " + first;
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
