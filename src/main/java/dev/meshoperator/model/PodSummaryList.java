package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;

/**
 * A list of {@link PodSummary}: fabric8 finds it by name ({@code <type>List}) and Jackson reads its
 * items as summaries (a raw list would read them as whole Pods, by their kind).
 */
public final class PodSummaryList extends DefaultKubernetesResourceList<PodSummary> {
  private static final long serialVersionUID = 1L;
}
