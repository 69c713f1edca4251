package dev.meshoperator.injection;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.base.GeneratorBase;
import com.fasterxml.jackson.core.json.JsonWriteContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A generator that builds the JSON tree of what is serialized into it, for {@link Json#toTree}.
 * Jackson's own {@code valueToTree} serializes into a token buffer and then reads a tree back from
 * it; for a pod that second pass is a third of the conversion.
 *
 * <p>It builds exactly the nodes that reading the token buffer would (objects, arrays, strings,
 * ints, longs, booleans, nulls); values written as objects (IntOrString's) and trees go through the
 * mapper as they do for the token buffer. Anything else (floating point and big numbers, binary,
 * raw JSON, embedded values) throws {@link Unsupported}, and the caller falls back to {@code
 * valueToTree}: fabric8's Pod only writes those for values nobody puts in a pod.
 */
final class TreeGenerator extends GeneratorBase {

  /** A token this generator does not build itself. */
  static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The containers being written, innermost first. */
  private final Deque<JsonNode> open = new ArrayDeque<>();

  private String fieldName;
  private JsonNode root;

  TreeGenerator(ObjectCodec codec) {
    super(JsonGenerator.Feature.collectDefaults(), codec);
  }

  /** The tree written, once the value is complete. */
  JsonNode root() {
    return root;
  }

  private void value(JsonNode node) {
    JsonNode parent = open.peek();
    if (parent == null) {
      root = node;
    } else if (parent instanceof ObjectNode object) {
      object.set(fieldName, node);
    } else {
      ((ArrayNode) parent).add(node);
    }
  }

  @Override
  public void writeStartArray() {
    _verifyValueWrite("start an array");
    _writeContext = _writeContext.createChildArrayContext();
    ArrayNode array = NODES.arrayNode();
    value(array);
    open.push(array);
  }

  @Override
  public void writeEndArray() {
    _writeContext = _writeContext.clearAndGetParent();
    open.pop();
  }

  @Override
  public void writeStartObject() {
    _verifyValueWrite("start an object");
    _writeContext = _writeContext.createChildObjectContext();
    ObjectNode object = NODES.objectNode();
    value(object);
    open.push(object);
  }

  @Override
  public void writeStartObject(Object forValue) {
    writeStartObject();
    _writeContext.setCurrentValue(forValue);
  }

  @Override
  public void writeEndObject() {
    _writeContext = _writeContext.clearAndGetParent();
    open.pop();
  }

  @Override
  public void writeFieldName(String name) throws java.io.IOException {
    if (_writeContext.writeFieldName(name) == JsonWriteContext.STATUS_EXPECT_VALUE) {
      throw new Unsupported();
    }
    fieldName = name;
  }

  @Override
  public void writeFieldName(SerializableString name) throws java.io.IOException {
    writeFieldName(name.getValue());
  }

  @Override
  public void writeString(String text) {
    _verifyValueWrite("write a string");
    value(text == null ? NODES.nullNode() : NODES.textNode(text));
  }

  @Override
  public void writeString(char[] buffer, int offset, int len) {
    writeString(new String(buffer, offset, len));
  }

  @Override
  public void writeString(SerializableString text) {
    writeString(text.getValue());
  }

  @Override
  public void writeNumber(int v) {
    _verifyValueWrite("write a number");
    value(NODES.numberNode(v));
  }

  @Override
  public void writeNumber(long v) {
    _verifyValueWrite("write a number");
    value(NODES.numberNode(v));
  }

  @Override
  public void writeBoolean(boolean state) {
    _verifyValueWrite("write a boolean");
    value(NODES.booleanNode(state));
  }

  @Override
  public void writeNull() {
    _verifyValueWrite("write a null");
    value(NODES.nullNode());
  }

  @Override
  protected void _verifyValueWrite(String typeMsg) {
    if (_writeContext.writeValue() == JsonWriteContext.STATUS_EXPECT_NAME) {
      throw new Unsupported();
    }
  }

  // What reading a token buffer turns into other node types: left to Jackson's own conversion.

  @Override
  public void writeNumber(short v) {
    writeNumber((int) v);
  }

  @Override
  public void writeNumber(BigInteger v) {
    throw new Unsupported();
  }

  @Override
  public void writeNumber(double v) {
    throw new Unsupported();
  }

  @Override
  public void writeNumber(float v) {
    throw new Unsupported();
  }

  @Override
  public void writeNumber(BigDecimal v) {
    throw new Unsupported();
  }

  @Override
  public void writeNumber(String encodedValue) {
    throw new Unsupported();
  }

  @Override
  public void writeRawUTF8String(byte[] buffer, int offset, int len) {
    throw new Unsupported();
  }

  @Override
  public void writeUTF8String(byte[] buffer, int offset, int len) {
    throw new Unsupported();
  }

  @Override
  public void writeRaw(String text) {
    throw new Unsupported();
  }

  @Override
  public void writeRaw(String text, int offset, int len) {
    throw new Unsupported();
  }

  @Override
  public void writeRaw(char[] text, int offset, int len) {
    throw new Unsupported();
  }

  @Override
  public void writeRaw(char c) {
    throw new Unsupported();
  }

  @Override
  public void writeRawValue(String text) {
    throw new Unsupported();
  }

  @Override
  public void writeBinary(Base64Variant variant, byte[] data, int offset, int len) {
    throw new Unsupported();
  }

  @Override
  public void writeEmbeddedObject(Object object) {
    throw new Unsupported();
  }

  @Override
  public void flush() {}

  @Override
  protected void _releaseBuffers() {}
}
