package dev.meshoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.FileKeySelector;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.ResourceClaim;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each schema twin carries exactly the JSON properties of its fabric8 type: a property missing from
 * a twin would be pruned silently by the apiserver, an extra one would be a field Kubernetes lacks.
 */
class SchemaTypesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Stream<Arguments> twins() {
    return Stream.of(
        Arguments.of(SchemaTypes.Resources.class, ResourceRequirements.class),
        Arguments.of(SchemaTypes.ItemResources.class, ResourceRequirements.class),
        Arguments.of(SchemaTypes.Claim.class, ResourceClaim.class),
        Arguments.of(SchemaTypes.Env.class, EnvVar.class),
        Arguments.of(SchemaTypes.EnvSource.class, EnvVarSource.class),
        Arguments.of(SchemaTypes.KeyRef.class, ConfigMapKeySelector.class),
        Arguments.of(SchemaTypes.KeyRef.class, SecretKeySelector.class),
        Arguments.of(SchemaTypes.FieldRef.class, ObjectFieldSelector.class),
        Arguments.of(SchemaTypes.ResourceFieldRef.class, ResourceFieldSelector.class),
        Arguments.of(SchemaTypes.FileKeyRef.class, FileKeySelector.class),
        Arguments.of(SchemaTypes.TolerationSchema.class, Toleration.class),
        Arguments.of(SchemaTypes.AffinitySchema.class, Affinity.class),
        Arguments.of(SchemaTypes.NodeAffinitySchema.class, NodeAffinity.class),
        Arguments.of(SchemaTypes.NodeSelectorSchema.class, NodeSelector.class),
        Arguments.of(SchemaTypes.PreferredTerm.class, PreferredSchedulingTerm.class),
        Arguments.of(SchemaTypes.NodeSelectorTermSchema.class, NodeSelectorTerm.class),
        Arguments.of(SchemaTypes.NodeRequirement.class, NodeSelectorRequirement.class),
        Arguments.of(SchemaTypes.PodAffinitySchema.class, PodAffinity.class),
        Arguments.of(SchemaTypes.PodAffinitySchema.class, PodAntiAffinity.class),
        Arguments.of(SchemaTypes.WeightedTerm.class, WeightedPodAffinityTerm.class),
        Arguments.of(SchemaTypes.PodAffinityTermSchema.class, PodAffinityTerm.class),
        Arguments.of(SchemaTypes.Selector.class, LabelSelector.class),
        Arguments.of(SchemaTypes.SelectorRequirement.class, LabelSelectorRequirement.class));
  }

  private static Set<String> properties(Class<?> type) {
    return MAPPER
        .getSerializationConfig()
        .introspect(MAPPER.constructType(type))
        .findProperties()
        .stream()
        .map(BeanPropertyDefinition::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("twins")
  void twinHasTheSamePropertiesAsTheFabric8Type(Class<?> twin, Class<?> fabric8) {
    assertThat(properties(twin)).isEqualTo(properties(fabric8));
  }
}
