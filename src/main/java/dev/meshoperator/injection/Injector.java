package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Injects Istio's data plane (proxy, traffic redirection, identity volumes) into a pod, producing
 * the same pod Istio's own injector produces.
 *
 * <p>A pure function: no I/O, no clock, no randomness, and the input pod is never modified. Whether
 * a pod should be injected at all is {@link InjectionPolicy}'s decision; this class injects
 * whatever it is given. Re-injecting an injected pod gives the same pod.
 */
public final class Injector {

  public static final String PROXY_CONTAINER = "istio-proxy";
  public static final String INIT_CONTAINER = "istio-init";
  public static final String VALIDATION_CONTAINER = "istio-validation";
  public static final String ENABLE_CORE_DUMP_CONTAINER = "enable-core-dump";

  /** Image of a user-supplied proxy container meaning "use the injected image". */
  static final String AUTO_IMAGE = "auto";

  private static final Map<String, InjectionTemplate> BUILT_IN =
      Map.of(
          "sidecar", SidecarTemplate.INSTANCE,
          "gateway", GatewayTemplate.INSTANCE,
          "grpc-simple", GrpcTemplates.SIMPLE,
          "grpc-agent", GrpcTemplates.AGENT);

  private Injector() {}

  /** The names of the built-in templates. */
  static java.util.Set<String> builtInTemplates() {
    return BUILT_IN.keySet();
  }

  /**
   * Injects {@code pod}, guessing its workload from its controller reference the way the admission
   * webhook does.
   */
  public static InjectionResult inject(Pod pod, InjectionSettings settings) {
    return inject(pod, null, settings);
  }

  /**
   * Injects {@code pod} as part of {@code workload} (or, when null, the workload guessed from the
   * pod).
   *
   * @return the injected pod, or a denial naming the invalid annotation or setting
   */
  public static InjectionResult inject(Pod pod, WorkloadRef workload, InjectionSettings settings) {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(settings, "settings");
    // The copy goes through the pod's JSON form, which is kept: it is the "before" of the patch.
    ObjectNode input = Json.toTree(pod);
    return injectCopy(Json.toPod(input), input, null, workload, settings);
  }

  /**
   * Injects a pod given in its JSON form (as the webhook receives it), guessing its workload from
   * its controller reference. Only the parts of the pod injection reads or changes are converted to
   * their fabric8 form; the result's {@link InjectionResult.Injected#patch()} is computed on JSON
   * trees, and its pod is built only when asked for.
   */
  public static InjectionResult inject(SlimPod pod, InjectionSettings settings) {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(settings, "settings");
    if (pod.slimmed() && onlySlimTemplates(pod.pod(), settings)) {
      try {
        Pod original = pod.takePod();
        return injectCopy(original, pod.slimForm(), pod, null, settings);
      } catch (SlimPod.Conflict e) {
        // Containers of the same name (refused below), or injection changed a field set aside
        // (no built-in template does): the whole pod then.
      }
    }
    Pod whole = pod.wholePod();
    return injectCopy(whole, pod.wholeForm(), null, null, settings);
  }

  /** Whether every template the pod gets is one {@link SlimPod} may leave fields out for. */
  private static boolean onlySlimTemplates(Pod pod, InjectionSettings s) {
    for (String name : selectTemplates(annotationsOrEmpty(pod), s)) {
      if (!SlimPod.SLIM_TEMPLATES.contains(name) || s.templates().containsKey(name)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Injects {@code original}, the caller's own copy of the pod (modified here), whose JSON form is
   * {@code tree} (taken here); {@code slim} is the pod {@code original} is the slim form of, or
   * null when it is the whole pod.
   */
  private static InjectionResult injectCopy(
      Pod original,
      ObjectNode tree,
      SlimPod slim,
      WorkloadRef workload,
      InjectionSettings settings) {
    // The tree the templates are merged onto, a copy of the pod's before anything changes it; the
    // tree itself, with what was set aside put back, is the "before" of the patch.
    ObjectNode mergeBase = tree.deepCopy();
    ObjectNode input = slim == null ? tree : slim.restore(tree);
    if (original.getMetadata() == null) {
      original.setMetadata(new ObjectMeta());
    }
    if (original.getSpec() == null) {
      original.setSpec(new PodSpec());
    }
    Optional<String> invalid =
        AnnotationValidator.validate(original.getMetadata().getAnnotations());
    if (invalid.isPresent()) {
      return new InjectionResult.Denied(invalid.get());
    }
    // Kubernetes requires names unique across containers and init containers. Istio's own
    // output can break that (native sidecars with the spire template put istio-proxy in both),
    // so an injected pod is only checked per list, to keep re-injecting it possible.
    boolean injected =
        InjectionStatus.parse(annotations(original).get(IstioAnnotations.SIDECAR_STATUS))
            .isPresent();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (List<Container> list :
        List.of(original.getSpec().getInitContainers(), original.getSpec().getContainers())) {
      if (injected) {
        names = new java.util.HashSet<>();
      }
      for (Container c : list) {
        if (c.getName() != null && !names.add(c.getName())) {
          // Kubernetes refuses such a pod; merging by name would pick one arbitrarily.
          return new InjectionResult.Denied(
              "duplicate container name '" + c.getName() + "' in the pod");
        }
      }
    }
    for (Container c : original.getSpec().getContainers()) {
      if (INIT_CONTAINER.equals(c.getName()) || VALIDATION_CONTAINER.equals(c.getName())) {
        // Istio would treat it as a customization of its init container and keep both copies.
        return new InjectionResult.Denied(
            "container name '"
                + c.getName()
                + "' is reserved for Istio's init container; customize it under initContainers"
                + " or rename the container");
      }
    }
    WorkloadRef w = workload != null ? workload : WorkloadRef.fromPod(original);
    ObjectNode result;
    try {
      result = run(original, mergeBase, w, settings);
    } catch (InjectionException e) {
      return new InjectionResult.Denied(e.getMessage());
    }
    return InjectionResult.Injected.ofJson(input, slim == null ? result : slim.restore(result));
  }

  private static ObjectNode run(
      Pod original, ObjectNode mergeBase, WorkloadRef workload, InjectionSettings s) {
    if (s.openShift()) {
      PostProcessing.resetOpenShiftProxyUser(original);
    }
    ObjectNode meshProxyConfig = ProxyConfigs.meshEffective(s);
    int meshStatusPort = ProxyConfigs.statusPort(meshProxyConfig);
    ObjectNode proxyConfig = meshProxyConfig;
    String annotated = annotations(original).get(IstioAnnotations.PROXY_CONFIG);
    if (annotated != null) {
      proxyConfig = ProxyConfigs.merge(meshProxyConfig, ProxyConfigs.parse(annotated));
    }

    Map<String, String> clusterEnv = PostProcessing.clusterEnv(original, s);
    Pod stripped = ProxyOverrides.reinsertOverrides(ProxyOverrides.strip(original, meshStatusPort));
    Map<String, String> strippedAnnotations = annotations(stripped);
    TemplateContext ctx =
        new TemplateContext(
            stripped,
            workload,
            s,
            proxyConfig,
            s.nativeSidecars(),
            Images.proxy(s, proxyConfig, strippedAnnotations),
            Images.proxyInit(s, proxyConfig, strippedAnnotations));

    // On OpenShift the pod's proxy user may have been reset above: the tree must show it.
    ObjectNode merged = s.openShift() ? Json.toTree(original) : mergeBase;
    // The templates merged without the pod. Only the names in its spec's lists are read (the
    // status annotation, which containers are the user's overrides), so a built-in template, whose
    // tree has only named items there, contributes just those.
    ObjectNode templatePod = Json.MAPPER.createObjectNode();
    for (String name : selectTemplates(annotations(original), s)) {
      InjectionTemplate template = s.templates().getOrDefault(name, BUILT_IN.get(name));
      if (template == null) {
        throw new InjectionException(
            "requested template \""
                + name
                + "\" not found; have "
                + knownTemplates(s)
                + NOT_SHIPPED.getOrDefault(name, ""));
      }
      // Built-in templates never modify the pod they are shown (the corpus tests hold them to it);
      // a custom one gets its own copy, so it cannot change what the next template sees.
      boolean builtIn = BUILT_IN.get(name) == template;
      ObjectNode rendered = template.render(builtIn ? ctx : contextCopy(ctx));
      ObjectNode names = builtIn ? InjectionStatus.namedItems(rendered) : null;
      StrategicMerge.into(templatePod, names != null ? names : rendered);
      // With native sidecars the template puts the proxy under initContainers, while a user's
      // customization of it sits under containers: move it so the two merge.
      boolean nativeSidecar = s.nativeSidecars();
      String nativeAnnotation =
          merged
              .path("metadata")
              .path("annotations")
              .path(IstioAnnotations.NATIVE_SIDECAR)
              .asText("");
      if (!nativeAnnotation.isEmpty()) {
        // Same reading as the template's (anything but "false" is native); Istio's Go code
        // only recognizes "true" here and misplaces the proxy for other values.
        nativeSidecar = !nativeAnnotation.equals("false");
      }
      if (nativeSidecar
          && hasNamed(templatePod.path("spec").path("initContainers"), PROXY_CONTAINER)
          && hasNamed(merged.path("spec").path("containers"), PROXY_CONTAINER)
          // Already there: a re-injection, and what sits in containers was put there by a
          // template (Istio's spire template, for one, is not native-sidecar aware).
          && !hasNamed(merged.path("spec").path("initContainers"), PROXY_CONTAINER)) {
        moveContainer(merged, PROXY_CONTAINER);
      }
      if (builtIn) {
        // A built-in template's tree is its own, built for this call and not used again.
        StrategicMerge.intoTaking(merged, rendered);
      } else {
        StrategicMerge.into(merged, rendered);
      }
    }

    ObjectNode finalTree =
        ProxyOverrides.reapplyOverwrittenContainers(merged, original, templatePod);
    // The injected pod is the merged tree as fabric8 reads and writes it, post-processed. Only the
    // part post-processing looks at is bound to a Pod; PodForm gives the rest fabric8's form. The
    // trees are this call's own (the merge base is a copy), so the forms may share their subtrees.
    if (!WHOLE_POST_PROCESSING.get()) {
      PostProcessingPod split = PostProcessingPod.of(PodForm.ofOwned(finalTree));
      Pod reduced = Json.toPod(split.slim());
      postProcess(reduced, original, templatePod, s, clusterEnv, proxyConfig, meshStatusPort);
      try {
        return PodForm.ofOwned(split.restore(Json.toTree(reduced)));
      } catch (PostProcessingPod.Conflict e) {
        // Post-processing wrote a field set aside (none of its steps does): the whole pod then.
      }
    }
    Pod whole = Json.toPod(finalTree);
    postProcess(whole, original, templatePod, s, clusterEnv, proxyConfig, meshStatusPort);
    return Json.toTree(whole);
  }

  /**
   * Whether this thread post-processes the whole pod bound to fabric8 (the reference the reduced
   * pod's path is tested against) rather than only the part post-processing reads.
   */
  static final ThreadLocal<Boolean> WHOLE_POST_PROCESSING = ThreadLocal.withInitial(() -> false);

  private static void postProcess(
      Pod pod,
      Pod original,
      ObjectNode templatePod,
      InjectionSettings s,
      Map<String, String> clusterEnv,
      ObjectNode proxyConfig,
      int meshStatusPort) {
    PostProcessing.adjustInitContainerUser(pod, original, proxyConfig);
    PostProcessing.postProcess(
        pod, templatePod, original, s, clusterEnv, proxyConfig, meshStatusPort);
  }

  private static TemplateContext contextCopy(TemplateContext ctx) {
    return new TemplateContext(
        Json.copy(ctx.pod()),
        ctx.workload(),
        ctx.settings(),
        ctx.proxyConfig().deepCopy(),
        ctx.nativeSidecars(),
        ctx.proxyImage(),
        ctx.proxyInitImage());
  }

  private static final String AMBIENT_NOT_IN_SCOPE =
      " (ambient mode - waypoints and agentgateway - is not in scope for this operator: it"
          + " installs sidecar meshes only)";

  /**
   * Why templates Istio's injector config also holds are not here. None of them is a pod overlay
   * the injector merges onto a user's pod: istiod renders them as whole objects for a Gateway.
   */
  static final Map<String, String> NOT_SHIPPED =
      Map.of(
          "waypoint",
          AMBIENT_NOT_IN_SCOPE,
          "agentgateway",
          AMBIENT_NOT_IN_SCOPE,
          "agentgateway-waypoint",
          AMBIENT_NOT_IN_SCOPE,
          "kube-gateway",
          " (Istio's kube-gateway is not a pod template: istiod's gateway deployment controller"
              + " renders it into a Gateway API Gateway's Deployment, Service and ServiceAccount;"
              + " this operator creates those objects itself for gatewayClassName istio, and their"
              + " pods use the \"gateway\" template)");

  private static String knownTemplates(InjectionSettings s) {
    TreeMap<String, Object> all = new TreeMap<>(BUILT_IN);
    all.putAll(s.templates());
    return String.join(", ", all.keySet());
  }

  private static Map<String, String> annotationsOrEmpty(Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
        ? Map.of()
        : pod.getMetadata().getAnnotations();
  }

  static Map<String, String> annotations(Pod pod) {
    if (pod.getMetadata().getAnnotations() == null) {
      pod.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    return pod.getMetadata().getAnnotations();
  }

  private static List<String> selectTemplates(
      Map<String, String> annotations, InjectionSettings s) {
    String requested = annotations.get(IstioAnnotations.INJECT_TEMPLATES);
    List<String> names = new ArrayList<>();
    if (requested != null) {
      for (String n : requested.split(",", -1)) {
        names.add(n.trim());
      }
    } else {
      names.addAll(s.defaultTemplates());
    }
    List<String> resolved = new ArrayList<>();
    for (String n : names) {
      resolved.addAll(s.aliases().getOrDefault(n, List.of(n)));
    }
    return resolved;
  }

  static boolean hasNamed(JsonNode list, String name) {
    return findNamed(list, name) != null;
  }

  static ObjectNode findNamed(JsonNode list, String name) {
    if (list != null && list.isArray()) {
      for (JsonNode item : list) {
        if (item instanceof ObjectNode o && name.equals(item.path("name").asText(null))) {
          return o;
        }
      }
    }
    return null;
  }

  private static void moveContainer(ObjectNode pod, String name) {
    ArrayNode containers = (ArrayNode) pod.with("spec").get("containers");
    for (int i = 0; i < containers.size(); i++) {
      if (name.equals(containers.get(i).path("name").asText(null))) {
        JsonNode c = containers.remove(i);
        pod.with("spec").withArray("initContainers").add(c);
        return;
      }
    }
  }

  static Container find(List<Container> containers, String name) {
    if (containers != null) {
      for (Container c : containers) {
        if (name.equals(c.getName())) {
          return c;
        }
      }
    }
    return null;
  }

  /** A container by name, looking at containers first, then init containers. */
  static Container findContainer(Pod pod, String name) {
    Container c = find(pod.getSpec().getContainers(), name);
    return c != null ? c : find(pod.getSpec().getInitContainers(), name);
  }
}
