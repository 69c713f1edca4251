package dev.meshoperator.api.v1alpha1;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Schema-only twins of the fabric8 Kubernetes types the spec embeds (ResourceRequirements, EnvVar,
 * Toleration, Affinity, LabelSelector), used through {@code @SchemaFrom}: the Java fields keep the
 * fabric8 types, the CRD gets these bounded schemas. Every int32 has a minimum and maximum, every
 * list a maxItems, every map a maxProperties, every string a maxLength, so the apiserver refuses
 * what Java could not hold and CEL cost estimates stay small. Never instantiated.
 *
 * <p>Each twin must carry exactly the JSON properties of its fabric8 type, or the apiserver would
 * prune the missing ones silently; {@code SchemaTypesTest} checks that.
 */
public final class SchemaTypes {

  private SchemaTypes() {}

  /** A label value: at most 63 characters, alphanumeric at both ends. */
  public static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  /** A label or annotation key: optional DNS-subdomain prefix and '/', then a name. */
  public static final String QUALIFIED_NAME =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  /** The CEL check that a map key {@code k} is a qualified name (prefix at most 253). */
  public static final String QUALIFIED_KEY_CEL =
      "size(k) <= 317 && k.matches('"
          + QUALIFIED_NAME
          + "') && (!k.contains('/') || k.indexOf('/') <= 253)";

  /** A DNS subdomain (RFC 1123), e.g. a PriorityClass or ConfigMap name; at most 253. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A DNS label (RFC 1123), e.g. a Secret-volume or container name; at most 63. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** An image reference: registry/path[:tag][@digest], no whitespace. */
  public static final String IMAGE = "^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$";

  /** A container environment variable name (the classic Kubernetes rule). */
  public static final String ENV_NAME = "^[-._a-zA-Z][-._a-zA-Z0-9]*$";

  private static final String QUANTITIES =
      "self.all(k, type(self[k]) == string ? isQuantity(self[k]) && !self[k].startsWith('-')"
          + " : self[k] >= 0)";
  private static final String QUANTITIES_MESSAGE =
      " values must be non-negative quantities such as 500m, 2, 128Mi or 1Gi";
  private static final String RESOURCE_KEYS = "self.all(k, " + QUALIFIED_KEY_CEL + ")";
  private static final String RESOURCE_KEYS_MESSAGE =
      " keys must be resource names such as cpu, memory or example.com/gpu";

  /** Twin of ResourceRequirements. */
  public static class Resources {
    @Size(max = 8)
    @ValidationRule(value = QUANTITIES, message = "resources.limits" + QUANTITIES_MESSAGE)
    @ValidationRule(value = RESOURCE_KEYS, message = "resources.limits" + RESOURCE_KEYS_MESSAGE)
    public Map<String, Quantity> limits;

    @Size(max = 8)
    @ValidationRule(value = QUANTITIES, message = "resources.requests" + QUANTITIES_MESSAGE)
    @ValidationRule(value = RESOURCE_KEYS, message = "resources.requests" + RESOURCE_KEYS_MESSAGE)
    public Map<String, Quantity> requests;

    @Size(max = 8)
    public List<Claim> claims;
  }

  /**
   * Twin of ResourceRequirements for list items (each gateway): bounded, but without the CEL rules
   * of {@link Resources}, whose cost counts once per list item and would exceed the CRD's CEL
   * budget with eight gateways (the apiserver refuses such a CRD). Quantities are checked by the
   * reconciler instead ({@code Gateways.problem}: Reconciled=False, InvalidSpec, naming the field);
   * resource names by the apiserver when the Deployment is applied.
   */
  public static class ItemResources {
    @Size(max = 8)
    public Map<String, Quantity> limits;

    @Size(max = 8)
    public Map<String, Quantity> requests;

    @Size(max = 8)
    public List<Claim> claims;
  }

  /** Twin of ResourceClaim. */
  public static class Claim {
    @Required
    @Size(min = 1, max = 63)
    @Pattern(DNS_LABEL)
    public String name;

    @Size(max = 63)
    public String request;
  }

  /** A list of {@link Env}; the list type the env field's schema comes from. */
  public static class EnvList extends ArrayList<Env> {}

  /** Twin of EnvVar. */
  @ValidationRule(
      value = "!(has(self.value) && has(self.valueFrom))",
      message = "env: set value or valueFrom, not both")
  public static class Env {
    @Required
    @Size(min = 1, max = 256)
    @Pattern(ENV_NAME)
    public String name;

    @Size(max = 32768)
    public String value;

    public EnvSource valueFrom;
  }

  /** Twin of EnvVarSource: exactly one source. */
  @ValidationRule(
      value =
          "(has(self.configMapKeyRef) ? 1 : 0) + (has(self.secretKeyRef) ? 1 : 0)"
              + " + (has(self.fieldRef) ? 1 : 0) + (has(self.resourceFieldRef) ? 1 : 0)"
              + " + (has(self.fileKeyRef) ? 1 : 0) == 1",
      message =
          "env.valueFrom must set exactly one of configMapKeyRef, secretKeyRef, fieldRef,"
              + " resourceFieldRef, fileKeyRef")
  public static class EnvSource {
    public KeyRef configMapKeyRef;
    public KeyRef secretKeyRef;
    public FieldRef fieldRef;
    public ResourceFieldRef resourceFieldRef;
    public FileKeyRef fileKeyRef;
  }

  /** Twin of ConfigMapKeySelector and SecretKeySelector. */
  public static class KeyRef {
    @Required
    @Size(min = 1, max = 253)
    public String key;

    @Size(max = 253)
    @Pattern(DNS_SUBDOMAIN)
    public String name;

    public Boolean optional;
  }

  /** Twin of ObjectFieldSelector. */
  public static class FieldRef {
    @Size(max = 64)
    public String apiVersion;

    @Required
    @Size(min = 1, max = 256)
    public String fieldPath;
  }

  /** Twin of ResourceFieldSelector. */
  public static class ResourceFieldRef {
    @Size(max = 63)
    public String containerName;

    public Quantity divisor;

    @Required
    @Size(min = 1, max = 253)
    public String resource;
  }

  /** Twin of FileKeySelector. */
  public static class FileKeyRef {
    @Required
    @Size(min = 1, max = 256)
    public String key;

    public Boolean optional;

    @Required
    @Size(min = 1, max = 4096)
    public String path;

    @Required
    @Size(min = 1, max = 63)
    public String volumeName;
  }

  /** A list of {@link TolerationSchema}. */
  public static class TolerationList extends ArrayList<TolerationSchema> {}

  /** Twin of Toleration. */
  public static class TolerationSchema {
    @Size(max = 317)
    public String key;

    public TolerationOperator operator;

    @Size(max = 63)
    public String value;

    public TaintEffect effect;

    /** Seconds a NoExecute toleration lasts; at most 100 years (Kubernetes treats <= 0 as 0). */
    @Min(0)
    @Max(3153600000L)
    public Long tolerationSeconds;
  }

  /** Toleration operators. */
  public enum TolerationOperator {
    Exists,
    Equal
  }

  /** Taint effects. */
  public enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute
  }

  /** Twin of Affinity. */
  public static class AffinitySchema {
    public NodeAffinitySchema nodeAffinity;
    public PodAffinitySchema podAffinity;
    public PodAffinitySchema podAntiAffinity;
  }

  /** Twin of NodeAffinity. */
  public static class NodeAffinitySchema {
    @Size(max = 32)
    public List<PreferredTerm> preferredDuringSchedulingIgnoredDuringExecution;

    public NodeSelectorSchema requiredDuringSchedulingIgnoredDuringExecution;
  }

  /** Twin of NodeSelector. */
  public static class NodeSelectorSchema {
    @Required
    @Size(max = 32)
    public List<NodeSelectorTermSchema> nodeSelectorTerms;
  }

  /** Twin of PreferredSchedulingTerm. */
  public static class PreferredTerm {
    @Required public NodeSelectorTermSchema preference;

    @Required
    @Min(1)
    @Max(100)
    public Integer weight;
  }

  /** Twin of NodeSelectorTerm. */
  public static class NodeSelectorTermSchema {
    @Size(max = 32)
    public List<NodeRequirement> matchExpressions;

    @Size(max = 32)
    public List<NodeRequirement> matchFields;
  }

  /** Twin of NodeSelectorRequirement. */
  public static class NodeRequirement {
    @Required
    @Size(min = 1, max = 317)
    public String key;

    @Required public NodeOperator operator;

    @Size(max = 64)
    public List<@Size(max = 63) String> values;
  }

  /** Node selector operators. */
  public enum NodeOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt
  }

  /** Twin of PodAffinity and PodAntiAffinity. */
  public static class PodAffinitySchema {
    @Size(max = 32)
    public List<WeightedTerm> preferredDuringSchedulingIgnoredDuringExecution;

    @Size(max = 32)
    public List<PodAffinityTermSchema> requiredDuringSchedulingIgnoredDuringExecution;
  }

  /** Twin of WeightedPodAffinityTerm. */
  public static class WeightedTerm {
    @Required public PodAffinityTermSchema podAffinityTerm;

    @Required
    @Min(1)
    @Max(100)
    public Integer weight;
  }

  /** Twin of PodAffinityTerm. */
  public static class PodAffinityTermSchema {
    public Selector labelSelector;

    @Size(max = 32)
    public List<@Size(max = 317) String> matchLabelKeys;

    @Size(max = 32)
    public List<@Size(max = 317) String> mismatchLabelKeys;

    public Selector namespaceSelector;

    @Size(max = 64)
    public List<@Size(max = 63) String> namespaces;

    @Required
    @Size(min = 1, max = 317)
    public String topologyKey;
  }

  /** A list of {@link Selector}. */
  public static class SelectorList extends ArrayList<Selector> {}

  /** Twin of LabelSelector. */
  public static class Selector {
    @Size(max = 32)
    public List<SelectorRequirement> matchExpressions;

    @Size(max = 64)
    @ValidationRule(
        value = "self.all(k, " + QUALIFIED_KEY_CEL + ")",
        message = "matchLabels keys must be label keys ([prefix/]name, name at most 63 characters)")
    public Map<String, @Size(max = 63) @Pattern(LABEL_VALUE) String> matchLabels;
  }

  /** Twin of LabelSelectorRequirement. */
  @ValidationRule(
      value =
          "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0"
              + " : !has(self.values) || size(self.values) == 0",
      message = "matchExpressions: In and NotIn need values, Exists and DoesNotExist take none")
  public static class SelectorRequirement {
    @Required
    @Size(min = 1, max = 317)
    public String key;

    @Required public SelectorOperator operator;

    @Size(max = 64)
    public List<@Size(max = 63) String> values;
  }

  /** Label selector operators. */
  public enum SelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }
}
