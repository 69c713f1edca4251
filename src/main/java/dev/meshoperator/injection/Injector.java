package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.Comparator;
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
        return injectCopy(original, Json.toTree(original), pod, null, settings);
      } catch (SlimPod.Conflict e) {
        // Containers of the same name (refused below), or injection changed a field set aside
        // (no built-in template does): the whole pod then.
      }
    }
    Pod whole = pod.wholePod();
    return injectCopy(whole, Json.toTree(whole), null, null, settings);
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
    Pod result;
    try {
      result = run(original, mergeBase, w, settings);
    } catch (InjectionException e) {
      return new InjectionResult.Denied(e.getMessage());
    }
    if (slim == null) {
      return new InjectionResult.Injected(result, input);
    }
    return InjectionResult.Injected.ofJson(input, slim.restore(Json.toTree(result)));
  }

  private static Pod run(
      Pod original, ObjectNode mergeBase, WorkloadRef workload, InjectionSettings s) {
    if (s.openShift()) {
      resetOpenShiftProxyUser(original);
    }
    ObjectNode meshProxyConfig = ProxyConfigs.meshEffective(s);
    int meshStatusPort = ProxyConfigs.statusPort(meshProxyConfig);
    ObjectNode proxyConfig = meshProxyConfig;
    String annotated = annotations(original).get(IstioAnnotations.PROXY_CONFIG);
    if (annotated != null) {
      proxyConfig = ProxyConfigs.merge(meshProxyConfig, ProxyConfigs.parse(annotated));
    }

    Map<String, String> clusterEnv = clusterEnv(original, s);
    Pod stripped = reinsertOverrides(strip(original, meshStatusPort));
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
      ObjectNode rendered =
          template.render(BUILT_IN.get(name) == template ? ctx : contextCopy(ctx));
      StrategicMerge.into(templatePod, rendered);
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
      StrategicMerge.into(merged, rendered);
    }

    ObjectNode finalTree = reapplyOverwrittenContainers(merged, original, templatePod);
    Pod result = Json.toPod(finalTree);
    adjustInitContainerUser(result, original, proxyConfig);
    postProcess(result, templatePod, original, s, clusterEnv, proxyConfig, meshStatusPort);
    return result;
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

  private static Map<String, String> labels(Pod pod) {
    if (pod.getMetadata().getLabels() == null) {
      pod.getMetadata().setLabels(new LinkedHashMap<>());
    }
    return pod.getMetadata().getLabels();
  }

  /**
   * Cluster and network environment that Istio sets after templating (a pod's network label wins
   * over the configured network). "Kubernetes" is Istio's own default cluster name and is rendered
   * by the template itself.
   */
  private static Map<String, String> clusterEnv(Pod pod, InjectionSettings s) {
    Map<String, String> env = new TreeMap<>();
    if (!s.clusterId().isEmpty() && !s.clusterId().equals("Kubernetes")) {
      env.put("ISTIO_META_CLUSTER_ID", s.clusterId());
    }
    String network = s.network();
    Map<String, String> podLabels = pod.getMetadata().getLabels();
    if (podLabels != null && podLabels.containsKey(IstioAnnotations.NETWORK_LABEL)) {
      network = podLabels.get(IstioAnnotations.NETWORK_LABEL);
    }
    if (network != null && !network.isEmpty()) {
      env.put("ISTIO_META_NETWORK", network);
    }
    return env;
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

  /**
   * Removes what an earlier injection added, so the templates see the user's pod. A pod never
   * injected is returned as it is (nothing is removed, and nobody modifies it): copying it would
   * cost as much as the rest of the injection for a large pod.
   */
  private static Pod strip(Pod original, int meshStatusPort) {
    Optional<InjectionStatus> status =
        InjectionStatus.parse(annotations(original).get(IstioAnnotations.SIDECAR_STATUS));
    if (status.isEmpty()) {
      return original;
    }
    Pod pod = Json.copy(original);
    PodSpec spec = pod.getSpec();
    for (String name : InjectionStatus.orEmpty(status.get().containers())) {
      spec.setContainers(without(spec.getContainers(), name));
    }
    for (String name : InjectionStatus.orEmpty(status.get().initContainers())) {
      spec.setInitContainers(without(spec.getInitContainers(), name));
    }
    Map<String, String> annotations = annotations(pod);
    if (String.valueOf(meshStatusPort).equals(PrometheusMerge.port(annotations))) {
      PrometheusMerge.clear(annotations);
    }
    annotations.remove(IstioAnnotations.SIDECAR_STATUS);
    return pod;
  }

  private static List<Container> without(List<Container> containers, String name) {
    List<Container> out = new ArrayList<>();
    if (containers != null) {
      for (Container c : containers) {
        if (!name.equals(c.getName())) {
          out.add(c);
        }
      }
    }
    return out;
  }

  private static ObjectNode overrides(Pod pod) {
    String raw = annotations(pod).get(IstioAnnotations.PROXY_OVERRIDES);
    if (raw == null) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode node = Json.read(raw);
      if (node instanceof ObjectNode o) {
        return o;
      }
    } catch (Exception e) {
      // reported below
    }
    throw new InjectionException(
        "invalid value for annotation '" + IstioAnnotations.PROXY_OVERRIDES + "': not JSON");
  }

  /**
   * Puts back containers a user overrode in an earlier injection: stripping removed them, but the
   * templates must see them to render the same pod again.
   */
  private static Pod reinsertOverrides(Pod pod) {
    if (annotations(pod).get(IstioAnnotations.PROXY_OVERRIDES) == null) {
      return pod; // nothing saved: no copy
    }
    ObjectNode overrides = overrides(pod);
    ObjectNode tree = Json.toTree(pod);
    ObjectNode spec = tree.with("spec");
    for (String list : List.of("containers", "initContainers")) {
      JsonNode saved = overrides.get(list);
      if (saved == null || !saved.isArray()) {
        continue;
      }
      for (JsonNode c : saved) {
        if (!hasNamed(spec.path(list), c.path("name").asText())) {
          spec.withArray(list).add(c.deepCopy());
        }
      }
    }
    return Json.toPod(tree);
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

  /**
   * Lets users customize injected containers: a container in the pod with the name of an injected
   * one (typically {@code istio-proxy}) is merged over what the template rendered. The
   * customizations are remembered in an annotation, so re-injection can apply them again.
   *
   * <p>Unlike Istio, which on re-injection renders previously injected containers afresh and
   * thereby drops the remembered customizations, they are applied again here: that is what makes
   * re-injection idempotent. First injections are unaffected.
   */
  private static ObjectNode reapplyOverwrittenContainers(
      ObjectNode finalPod, Pod original, ObjectNode templatePod) {
    ObjectNode existing = overrides(original);
    String status = annotations(original).get(IstioAnnotations.SIDECAR_STATUS);
    Optional<InjectionStatus> parsed = InjectionStatus.parse(status);
    // An unreadable status is not an earlier injection (Istio would count it as one and then
    // forget the user's customizations on the next run).
    boolean alreadyInjected = parsed.isPresent();
    List<String> injectedContainers =
        parsed.map(p -> InjectionStatus.orEmpty(p.containers())).orElse(List.of());
    List<String> injectedInit =
        parsed.map(p -> InjectionStatus.orEmpty(p.initContainers())).orElse(List.of());
    // Looked up by name in the pod itself; only a matching container is turned into JSON (the
    // whole pod's JSON form would cost a full copy of, say, 2000 env entries of the app).
    List<Container> originalContainers = original.getSpec().getContainers();
    List<Container> originalInit = original.getSpec().getInitContainers();

    ArrayNode overrideContainers = Json.MAPPER.createArrayNode();
    ArrayNode overrideInit = Json.MAPPER.createArrayNode();
    ObjectNode result = finalPod;
    for (JsonNode c : iterable(templatePod.path("spec").path("containers"))) {
      String name = c.path("name").asText();
      ObjectNode match = findNamed(existing.get("containers"), name);
      if (match == null && injectedContainers.contains(name)) {
        // Re-injection: what is in the pod is our own output, render it afresh.
        continue;
      }
      if (match == null) {
        match = namedTree(originalContainers, name);
      }
      if (match == null) {
        continue;
      }
      ObjectNode overlay = overlay(match);
      overrideContainers.add(overlay);
      ObjectNode patch = Json.MAPPER.createObjectNode();
      patch.putObject("spec").putArray("containers").add(overlay);
      StrategicMerge.into(result, patch);
    }
    for (JsonNode c : iterable(templatePod.path("spec").path("initContainers"))) {
      String name = c.path("name").asText();
      ObjectNode match = findNamed(existing.get("initContainers"), name);
      if (match == null && injectedInit.contains(name)) {
        continue;
      }
      if (match == null) {
        match = namedTree(originalContainers, name);
      }
      if (match == null) {
        match = namedTree(originalInit, name);
      }
      if (match == null) {
        continue;
      }
      ObjectNode overlay = overlay(match);
      overrideInit.add(overlay);
      ObjectNode patch = Json.MAPPER.createObjectNode();
      patch.putObject("spec").putArray("initContainers").add(overlay);
      StrategicMerge.into(result, patch);
    }
    if (!alreadyInjected && (!overrideContainers.isEmpty() || !overrideInit.isEmpty())) {
      ObjectNode saved = Json.MAPPER.createObjectNode();
      if (!overrideContainers.isEmpty()) {
        saved.set("containers", overrideContainers);
      }
      if (!overrideInit.isEmpty()) {
        saved.set("initContainers", overrideInit);
      }
      result
          .with("metadata")
          .with("annotations")
          .put(IstioAnnotations.PROXY_OVERRIDES, Json.write(saved));
    }
    return result;
  }

  /** The JSON form of the container named {@code name} in {@code list}, or null. */
  private static ObjectNode namedTree(List<Container> list, String name) {
    if (list != null) {
      for (Container c : list) {
        if (c != null && name.equals(c.getName())) {
          return Json.toTree(c);
        }
      }
    }
    return null;
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    return node != null && node.isArray() ? node : List.of();
  }

  private static ObjectNode overlay(ObjectNode container) {
    ObjectNode overlay = GoJson.container(Json.withoutNulls(container));
    if (AUTO_IMAGE.equals(overlay.path("image").asText(null))) {
      // "auto" only exists because image is a required field; it means "keep the injected one".
      overlay.remove("image");
    }
    return overlay;
  }

  /**
   * A user's istio-proxy running as another user moves the redirection with it: istio-iptables must
   * exempt that UID, and with CNI the validation container must run as it.
   */
  private static void adjustInitContainerUser(Pod pod, Pod original, ObjectNode proxyConfig) {
    // On re-injection the pod holds our output; the user's intent is in the saved overrides.
    Container user = savedOverride(original, PROXY_CONTAINER);
    if (user == null) {
      Optional<InjectionStatus> status =
          InjectionStatus.parse(annotations(original).get(IstioAnnotations.SIDECAR_STATUS));
      boolean ours =
          status.isPresent()
              && (InjectionStatus.orEmpty(status.get().containers()).contains(PROXY_CONTAINER)
                  || InjectionStatus.orEmpty(status.get().initContainers())
                      .contains(PROXY_CONTAINER));
      // The pod's proxy is our own output then, not a user's customization.
      user = ours ? null : findContainer(original, PROXY_CONTAINER);
    }
    if (user == null
        || user.getSecurityContext() == null
        || (user.getSecurityContext().getRunAsUser() == null
            && user.getSecurityContext().getRunAsGroup() == null)) {
      return;
    }
    Container init = null;
    for (String name : List.of(INIT_CONTAINER, VALIDATION_CONTAINER)) {
      init = find(pod.getSpec().getInitContainers(), name);
      if (init != null) {
        break;
      }
    }
    if (init == null) {
      return;
    }
    boolean tproxy =
        ProxyConfigs.interceptionMode(proxyConfig).equals("TPROXY")
            || "TPROXY".equals(annotations(pod).get(IstioAnnotations.INTERCEPTION_MODE));
    SecurityContext userSc = user.getSecurityContext();
    if (tproxy && userSc.getRunAsUser() != null) {
      // TPROXY needs the proxy to run as root.
      Container sidecar = findContainer(pod, PROXY_CONTAINER);
      if (sidecar != null && sidecar.getSecurityContext() != null) {
        sidecar.getSecurityContext().setRunAsUser(0L);
      }
    }
    if (!tproxy && init.getName().equals(VALIDATION_CONTAINER)) {
      if (init.getSecurityContext() == null) {
        init.setSecurityContext(new SecurityContext());
      }
      if (userSc.getRunAsUser() != null) {
        init.getSecurityContext().setRunAsUser(userSc.getRunAsUser());
      }
      if (userSc.getRunAsGroup() != null) {
        init.getSecurityContext().setRunAsGroup(userSc.getRunAsGroup());
      }
    }
    if (userSc.getRunAsUser() == null || userSc.getRunAsUser() == 0) {
      return;
    }
    List<String> args = init.getArgs();
    if (args != null) {
      for (int i = 0; i + 1 < args.size(); i++) {
        if (args.get(i).equals("-u")) {
          List<String> updated = new ArrayList<>(args);
          updated.set(i + 1, String.valueOf(userSc.getRunAsUser()));
          init.setArgs(updated);
          return;
        }
      }
    }
  }

  private static Container savedOverride(Pod pod, String name) {
    ObjectNode saved = overrides(pod);
    ObjectNode match = findNamed(saved.get("containers"), name);
    if (match == null) {
      match = findNamed(saved.get("initContainers"), name);
    }
    if (match == null) {
      return null;
    }
    try {
      return Json.MAPPER.treeToValue(match, Container.class);
    } catch (Exception e) {
      throw new InjectionException(
          "invalid value for annotation '"
              + IstioAnnotations.PROXY_OVERRIDES
              + "': "
              + e.getMessage());
    }
  }

  /**
   * OpenShift gives every container of a pod the same user ID unless one is set. A user's
   * istio-proxy with the application's user would break traffic interception (the proxy's traffic
   * is recognized by its UID), so such a UID is dropped and the injected one used.
   */
  private static void resetOpenShiftProxyUser(Pod pod) {
    Container sidecar = findContainer(pod, PROXY_CONTAINER);
    if (sidecar == null || sidecar.getSecurityContext() == null) {
      return;
    }
    long sidecarUser = 0;
    long appUser = 0;
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    for (Container c : all) {
      Long uid = c.getSecurityContext() == null ? null : c.getSecurityContext().getRunAsUser();
      if (PROXY_CONTAINER.equals(c.getName())) {
        if (uid != null) {
          sidecarUser = uid;
        }
      } else if (!VALIDATION_CONTAINER.equals(c.getName()) && !INIT_CONTAINER.equals(c.getName())) {
        if (uid != null) {
          appUser = uid;
        }
      }
    }
    if (sidecarUser == appUser) {
      sidecar.getSecurityContext().setRunAsUser(null);
      sidecar.getSecurityContext().setRunAsGroup(null);
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

  private static void postProcess(
      Pod pod,
      ObjectNode injected,
      Pod original,
      InjectionSettings s,
      Map<String, String> clusterEnv,
      ObjectNode proxyConfig,
      int meshStatusPort) {
    annotations(pod);
    labels(pod);
    Container sidecar = findContainer(pod, PROXY_CONTAINER);
    if (sidecar != null && !clusterEnv.isEmpty()) {
      List<EnvVar> env = new ArrayList<>();
      for (EnvVar e : sidecar.getEnv() == null ? List.<EnvVar>of() : sidecar.getEnv()) {
        if (!clusterEnv.containsKey(e.getName())) {
          env.add(e);
        }
      }
      clusterEnv.forEach((k, v) -> env.add(ProxyEnv.value(k, v)));
      sidecar.setEnv(env);
    }
    PrometheusMerge.apply(pod, sidecar, s, meshStatusPort);
    PrometheusMerge.applySecurePort(pod, sidecar);
    if (sidecar != null) {
      Boolean annotated =
          PrometheusMerge.parseBool(
              annotations(pod).get(IstioAnnotations.REWRITE_APP_HTTP_PROBERS));
      if (annotated != null ? annotated : s.rewriteAppHttpProbe()) {
        ProbeRewriter.apply(pod, sidecar, meshStatusPort);
      }
    }
    if (clusterEnv.containsKey("ISTIO_META_NETWORK")) {
      labels(pod).put(IstioAnnotations.NETWORK_LABEL, clusterEnv.get("ISTIO_META_NETWORK"));
    }
    keepEnvOrder(pod, original);
    annotations(pod)
        .put(
            IstioAnnotations.SIDECAR_STATUS,
            InjectionStatus.of(injected.path("spec"), s.revision()).toJson());
    annotations(pod).putAll(s.injectedAnnotations());
    ContainerOrder.apply(
        pod.getSpec(),
        ProxyConfigs.holdApplicationUntilProxyStarts(proxyConfig)
            || s.holdApplicationUntilProxyStarts());
  }

  /**
   * On re-injection of our own output, keeps the proxy's environment in its previous order. The
   * post-processing steps append variables (cluster, network, Prometheus, probes), so a second run
   * would otherwise shuffle them.
   */
  private static void keepEnvOrder(Pod pod, Pod original) {
    Optional<InjectionStatus> status =
        InjectionStatus.parse(annotations(original).get(IstioAnnotations.SIDECAR_STATUS));
    if (status.isEmpty()) {
      return;
    }
    boolean wasInit =
        InjectionStatus.orEmpty(status.get().initContainers()).contains(PROXY_CONTAINER);
    boolean wasContainer =
        InjectionStatus.orEmpty(status.get().containers()).contains(PROXY_CONTAINER);
    Container before =
        wasInit
            ? find(original.getSpec().getInitContainers(), PROXY_CONTAINER)
            : wasContainer ? find(original.getSpec().getContainers(), PROXY_CONTAINER) : null;
    Container now =
        wasInit
            ? find(pod.getSpec().getInitContainers(), PROXY_CONTAINER)
            : wasContainer ? find(pod.getSpec().getContainers(), PROXY_CONTAINER) : null;
    if (before == null || now == null || before.getEnv() == null || now.getEnv() == null) {
      return;
    }
    List<String> order = new ArrayList<>();
    before.getEnv().forEach(e -> order.add(e.getName()));
    List<EnvVar> env = new ArrayList<>(now.getEnv());
    env.sort(
        Comparator.comparingInt(
            e -> order.contains(e.getName()) ? order.indexOf(e.getName()) : Integer.MAX_VALUE));
    now.setEnv(env);
  }
}
