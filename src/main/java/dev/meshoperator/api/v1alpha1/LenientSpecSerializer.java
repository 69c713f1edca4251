package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes an unreadable spec back exactly as it was stored, so that a copy of the object (JOSDK
 * clones every primary through JSON before reconciling it) is just as unreadable and is refused
 * too, instead of turning into an empty spec that would install the defaults. A readable spec is
 * written as the plain bean; the schema is the bean's.
 */
final class LenientSpecSerializer extends StdSerializer<MeshControlPlaneSpec> {

  LenientSpecSerializer() {
    super(MeshControlPlaneSpec.class);
  }

  @Override
  public void serialize(MeshControlPlaneSpec value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    if (value.raw != null) {
      gen.writeTree(value.raw);
      return;
    }
    provider.findValueSerializer(MeshControlPlaneSpec.Strict.class).serialize(value, gen, provider);
  }

  @Override
  public boolean isEmpty(SerializerProvider provider, MeshControlPlaneSpec value) {
    return false;
  }

  @Override
  public void acceptJsonFormatVisitor(JsonFormatVisitorWrapper visitor, JavaType typeHint)
      throws JsonMappingException {
    visitor
        .getProvider()
        .findValueSerializer(MeshControlPlaneSpec.Strict.class)
        .acceptJsonFormatVisitor(visitor, typeHint);
  }
}
