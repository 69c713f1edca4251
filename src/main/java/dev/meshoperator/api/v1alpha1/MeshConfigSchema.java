package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/**
 * Schema of {@code spec.meshConfig}, used through {@code @SchemaFrom}: a free-form object (it and
 * every typed object in it keep unknown fields, so scalars, nested objects and lists survive
 * unchanged) that types only the few MeshConfig fields whose mistakes are most common, so the
 * apiserver refuses those with the field named. Everything else is checked by {@code
 * MeshConfigValidation} in the reconciler. Never instantiated.
 */
public class MeshConfigSchema {

  @Size(max = 4096)
  public String accessLogFile;

  public AccessLogEncoding accessLogEncoding;

  @Size(max = 65536)
  public String accessLogFormat;

  public Boolean enableTracing;
  public Boolean enableAutoMtls;
  public Boolean enablePrometheusMerge;

  @Size(max = 253)
  public String trustDomain;

  @Size(max = 64)
  public List<@Size(max = 253) String> trustDomainAliases;

  @Size(max = 63)
  @Pattern(SchemaTypes.DNS_LABEL)
  public String rootNamespace;

  @PreserveUnknownFields public OutboundTrafficPolicy outboundTrafficPolicy;
  @PreserveUnknownFields public InboundTrafficPolicy inboundTrafficPolicy;

  @JsonPropertyDescription("ProxyConfig of every proxy of this revision.")
  @PreserveUnknownFields
  public DefaultConfig defaultConfig;

  @JsonPropertyDescription(
      "Extension providers: objects with a name and one provider. Free-form here (the schema"
          + " cannot both type and preserve list items); MeshConfigValidation checks them.")
  @Size(max = 64)
  public List<JsonNode> extensionProviders;

  /** MeshConfig.AccessLogEncoding. */
  public enum AccessLogEncoding {
    TEXT,
    JSON
  }

  /** MeshConfig.OutboundTrafficPolicy. */
  public static class OutboundTrafficPolicy {
    public OutboundMode mode;
  }

  /** MeshConfig.OutboundTrafficPolicy.Mode. */
  public enum OutboundMode {
    REGISTRY_ONLY,
    ALLOW_ANY,
    ALLOW_ANY_DYNAMIC_DNS
  }

  /** MeshConfig.InboundTrafficPolicy. */
  public static class InboundTrafficPolicy {
    public InboundMode mode;
  }

  /** MeshConfig.InboundTrafficPolicy.Mode. */
  public enum InboundMode {
    PASSTHROUGH,
    LOCALHOST
  }

  /** The typed part of ProxyConfig. */
  public static class DefaultConfig {
    @Size(max = 256)
    public Map<String, @Size(max = 65536) String> proxyMetadata;

    @Min(0)
    @Max(1024)
    public Integer concurrency;

    public Boolean holdApplicationUntilProxyStarts;

    @Size(max = 1024)
    public String discoveryAddress;
  }
}
