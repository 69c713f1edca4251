/**
 * Pure X.509 machinery for the operator: a small CA ({@link
 * dev.meshoperator.certs.CertificateAuthority}), PEM codecs ({@link dev.meshoperator.certs.Pem}),
 * clock-driven renewal decisions ({@link dev.meshoperator.certs.RenewalPolicy}) and the two Secret
 * layouts the operator owns: the admission webhook's TLS Secret ({@link
 * dev.meshoperator.certs.WebhookCertificates}) and istiod's plug-in CA {@code cacerts} ({@link
 * dev.meshoperator.certs.MeshCa}).
 *
 * <p>Nothing here talks to Kubernetes, CDI or the system clock: time always comes from an injected
 * {@link java.time.Clock}, randomness only from key and serial-number generation, so every decision
 * is a function of its inputs and can be tested by moving a fixed clock.
 */
package dev.meshoperator.certs;
