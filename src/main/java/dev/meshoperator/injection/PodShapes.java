package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializer;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link PodForm} knows of a fabric8 model class, read from Jackson's own serializer for it
 * (property order and types) and from a new instance (defaults), once per class.
 */
final class PodShapes {

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

  private PodShapes() {}

  /** A bean property: its JSON name and how its value is formed. */
  record Property(String name, Kind kind, Class<?> bean, boolean emptyKept) {}

  enum Kind {
    STRING,
    INT,
    LONG,
    BOOLEAN,
    INT_OR_STRING,
    STRING_LIST(true, false),
    STRING_MAP(false, true),
    QUANTITY,
    QUANTITY_MAP(false, true),
    BEAN,
    BEAN_LIST(true, false),
    /** Anything else: the object holding it takes the round trip. */
    OTHER;

    final boolean list;
    final boolean map;

    Kind() {
      this(false, false);
    }

    Kind(boolean list, boolean map) {
      this.list = list;
      this.map = map;
    }
  }

  /** A fabric8 class: its properties in serialization order, and a new instance's JSON form. */
  record Shape(Class<?> type, Map<String, Property> properties, ObjectNode defaults) {}

  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

  /** The shape of a fabric8 model class, or null when it is not a plain bean. */
  static Shape shape(Class<?> type) {
    Shape s = SHAPES.get(type);
    if (s == null) {
      s = computeShape(type);
      SHAPES.put(type, s);
    }
    return s.properties() == null ? null : s;
  }

  private static Shape computeShape(Class<?> type) {
    Shape none = new Shape(type, null, null);
    JsonDeserialize custom = type.getAnnotation(JsonDeserialize.class);
    if (!type.getName().startsWith("io.fabric8.kubernetes.api.model.")
        || (custom != null
            && custom.using() != com.fasterxml.jackson.databind.JsonDeserializer.None.class)) {
      return none;
    }
    JsonSerializer<Object> serializer;
    ObjectNode defaults;
    try {
      serializer = Json.MAPPER.getSerializerProviderInstance().findValueSerializer(type);
      defaults = Json.toTree(type.getDeclaredConstructor().newInstance());
    } catch (JsonMappingException | ReflectiveOperationException | RuntimeException e) {
      return none;
    }
    if (serializer.getClass() != BeanSerializer.class) {
      return none;
    }
    Map<String, Property> properties = new LinkedHashMap<>();
    for (Iterator<PropertyWriter> it = serializer.properties(); it.hasNext(); ) {
      PropertyWriter w = it.next();
      properties.put(w.getName(), property(type, w.getName(), w.getType()));
    }
    return new Shape(type, properties, defaults);
  }

  private static Property property(Class<?> owner, String name, JavaType t) {
    Class<?> raw = t.getRawClass();
    Kind kind = Kind.OTHER;
    Class<?> bean = null;
    if (raw == String.class) {
      kind = Kind.STRING;
    } else if (raw == Integer.class) {
      kind = Kind.INT;
    } else if (raw == Long.class) {
      kind = Kind.LONG;
    } else if (raw == Boolean.class) {
      kind = Kind.BOOLEAN;
    } else if (raw == Quantity.class) {
      kind = Kind.QUANTITY;
    } else if (raw == IntOrString.class) {
      kind = Kind.INT_OR_STRING;
    } else if (raw == List.class && t.getContentType().getRawClass() == String.class) {
      kind = Kind.STRING_LIST;
    } else if (raw == Map.class
        && t.getKeyType().getRawClass() == String.class
        && t.getContentType().getRawClass() == String.class) {
      kind = Kind.STRING_MAP;
    } else if (raw == Map.class
        && t.getKeyType().getRawClass() == String.class
        && t.getContentType().getRawClass() == Quantity.class) {
      kind = Kind.QUANTITY_MAP;
    } else if (raw == List.class && isModel(t.getContentType().getRawClass())) {
      kind = Kind.BEAN_LIST;
      bean = t.getContentType().getRawClass();
    } else if (isModel(raw)) {
      kind = Kind.BEAN;
      bean = raw;
    }
    Boolean emptyKept = kind.list || kind.map ? emptyKept(owner, name, kind) : Boolean.FALSE;
    if (emptyKept == null) {
      return new Property(name, Kind.OTHER, null, false);
    }
    return new Property(name, kind, bean, emptyKept);
  }

  /**
   * Whether fabric8 writes the property when it is an empty list or map: asked of Jackson itself,
   * once per property, as inclusion rules differ between properties.
   */
  private static Boolean emptyKept(Class<?> owner, String name, Kind kind) {
    ObjectNode probe = NODES.objectNode();
    probe.set(name, kind.list ? NODES.arrayNode() : NODES.objectNode());
    try {
      return Json.toTree(Json.MAPPER.treeToValue(probe, owner)).has(name);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isModel(Class<?> c) {
    return c.getName().startsWith("io.fabric8.kubernetes.api.model.") && !c.isInterface();
  }
}
